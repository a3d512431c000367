package dev.modelport.runtime.pickle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The globals a checkpoint's pickle may name: exactly the allow-list of PyTorch's
 * {@code torch.load(weights_only=True)} ({@code torch/_weights_only_unpickler.py},
 * {@code _get_allowed_globals()}, torch 2.13), nothing more. A test compares this list with the one
 * {@code scripts/goldens/make_pickle_cases.py} dumps from torch itself. Being on the list only lets a
 * name be pushed; what each one may then do (called by REDUCE, built by NEWOBJ) is decided by
 * {@link WeightsUnpickler}, and most of them are refused there as forms Modelport does not read.
 */
final class AllowedGlobals {

    /** What an allowed global is. */
    enum Kind {
        ORDERED_DICT, COUNTER, PARAMETER, GET_LAYOUT, SIZE, TENSOR, DEVICE, CODECS_ENCODE, BYTEARRAY, SET, COMPLEX,
        DTYPE, TENSOR_CLASS, STORAGE_CLASS, UNTYPED_STORAGE, TYPED_STORAGE, QSCHEME,
        REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_TENSOR_V3, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE,
        REBUILD_FROM_TYPE_V2, REBUILD_OTHER
    }

    /**
     * One allowed global as the pickle named it.
     *
     * @param dtype the element type of a storage class or dtype global, null for the others (and for
     *              quantized or sub-byte types Modelport cannot lay out)
     */
    record Global(String name, Kind kind, TorchDtype dtype) {
    }

    /** Modules torch never allows, whatever a user adds to its allow-list. */
    static final Set<String> BLOCKED_MODULES = Set.of("sys", "os", "posix", "nt");

    /** Python 2 module names torch maps before the lookup ({@code torch._utils.IMPORT_MAPPING}). */
    static final Map<String, String> IMPORT_MAPPING = Map.ofEntries(
            Map.entry("__builtin__", "builtins"), Map.entry("copy_reg", "copyreg"), Map.entry("Queue", "queue"),
            Map.entry("repr", "reprlib"), Map.entry("_abcoll", "collections.abc"), Map.entry("UserDict", "collections"),
            Map.entry("UserList", "collections"), Map.entry("UserString", "collections"), Map.entry("whichdb", "dbm"),
            Map.entry("StringIO", "io"), Map.entry("cStringIO", "io"));

    private static final List<String> TENSOR_TYPES = List.of(
            "BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short");
    private static final List<String> SPARSE_TENSOR_TYPES = List.of(
            "BFloat16", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short");
    private static final List<String> STORAGE_TYPES = List.of(
            "BFloat16", "Bool", "Byte", "Char", "ComplexDouble", "ComplexFloat", "Double", "Float", "Half", "Int", "Long",
            "Short");
    private static final List<String> QUANTIZED_STORAGE_TYPES = List.of("QInt32", "QInt8", "QUInt2x4", "QUInt4x2", "QUInt8");
    private static final List<String> DTYPES = List.of(
            "bfloat16", "bits16", "bits1x8", "bits2x4", "bits4x2", "bits8", "bool", "complex128", "complex32", "complex64",
            "float16", "float32", "float4_e2m1fn_x2", "float64", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
            "float8_e5m2fnuz", "float8_e8m0fnu", "int1", "int2", "int3", "int4", "int5", "int6", "int7", "int8", "int16",
            "int32", "int64", "qint32", "qint8", "quint2x4", "quint4x2", "quint8", "uint1", "uint2", "uint3", "uint4",
            "uint5", "uint6", "uint7", "uint8", "uint16", "uint32", "uint64");
    private static final List<String> QSCHEMES = List.of("per_channel_affine", "per_channel_affine_float_qparams",
            "per_channel_symmetric", "per_tensor_affine", "per_tensor_symmetric");
    private static final List<String> OTHER_REBUILDS = List.of("_rebuild_qtensor", "_rebuild_sparse_tensor",
            "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor", "_rebuild_wrapper_subclass",
            "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor");

    private static final Map<String, Global> ALLOWED = build();

    private AllowedGlobals() {
    }

    private static Map<String, Global> build() {
        Map<String, Global> m = new LinkedHashMap<>();
        put(m, "collections.OrderedDict", Kind.ORDERED_DICT, null);
        put(m, "collections.Counter", Kind.COUNTER, null);
        put(m, "torch.nn.parameter.Parameter", Kind.PARAMETER, null);
        put(m, "torch.serialization._get_layout", Kind.GET_LAYOUT, null);
        put(m, "torch.Size", Kind.SIZE, null);
        put(m, "torch.Tensor", Kind.TENSOR, null);
        put(m, "torch.device", Kind.DEVICE, null);
        put(m, "_codecs.encode", Kind.CODECS_ENCODE, null);
        put(m, "builtins.bytearray", Kind.BYTEARRAY, null);
        put(m, "builtins.set", Kind.SET, null);
        put(m, "builtins.complex", Kind.COMPLEX, null);
        for (String d : DTYPES) {
            put(m, "torch." + d, Kind.DTYPE, TorchDtype.ofDtypeName(d));
        }
        for (String t : TENSOR_TYPES) {
            put(m, "torch." + t + "Tensor", Kind.TENSOR_CLASS, null);
            put(m, "torch.cuda." + t + "Tensor", Kind.TENSOR_CLASS, null);
        }
        for (String t : SPARSE_TENSOR_TYPES) {
            put(m, "torch.sparse." + t + "Tensor", Kind.TENSOR_CLASS, null);
            put(m, "torch.cuda.sparse." + t + "Tensor", Kind.TENSOR_CLASS, null);
        }
        for (String s : STORAGE_TYPES) {
            TorchDtype dtype = TorchDtype.ofStorageClass(s + "Storage");
            put(m, "torch." + s + "Storage", Kind.STORAGE_CLASS, dtype);
            put(m, "torch.cuda." + s + "Storage", Kind.STORAGE_CLASS, dtype);
        }
        for (String s : QUANTIZED_STORAGE_TYPES) {
            put(m, "torch." + s + "Storage", Kind.STORAGE_CLASS, null);
        }
        put(m, "torch.storage.UntypedStorage", Kind.UNTYPED_STORAGE, TorchDtype.U8);
        put(m, "torch.storage.TypedStorage", Kind.TYPED_STORAGE, null);
        for (String q : QSCHEMES) {
            put(m, "torch." + q, Kind.QSCHEME, null);
        }
        put(m, "torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR, null);
        put(m, "torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2, null);
        put(m, "torch._utils._rebuild_tensor_v3", Kind.REBUILD_TENSOR_V3, null);
        put(m, "torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER, null);
        put(m, "torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE, null);
        for (String f : OTHER_REBUILDS) {
            put(m, "torch._utils." + f, Kind.REBUILD_OTHER, null);
        }
        put(m, "torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE_V2, null);
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<String, Global> m, String name, Kind kind, TorchDtype dtype) {
        if (m.put(name, new Global(name, kind, dtype)) != null) {
            throw new IllegalStateException(name + " listed twice");
        }
    }

    /** The allowed global of that full name ({@code module.name}, after the import mapping), or null. */
    static Global lookup(String fullName) {
        return ALLOWED.get(fullName);
    }

    /** Every allowed name (for the test that compares the list with torch's). */
    static Set<String> names() {
        return ALLOWED.keySet();
    }
}
