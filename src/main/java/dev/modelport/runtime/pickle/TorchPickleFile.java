package dev.modelport.runtime.pickle;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.pickle.Py.PyDict;
import dev.modelport.runtime.pickle.Py.PyList;
import dev.modelport.runtime.pickle.Py.PyTuple;
import dev.modelport.runtime.pickle.Py.Storage;
import dev.modelport.runtime.pickle.Py.Tensor;
import dev.modelport.runtime.safetensors.TensorInfo;
import dev.modelport.runtime.weights.WeightSource;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One PyTorch checkpoint file ({@code pytorch_model.bin} or a shard of it), read without running
 * anything in it: the pickle goes through {@link WeightsUnpickler} (torch's weights-only allow-list),
 * must give a flat state dict of name → tensor, and every tensor is checked against its storage and
 * the file. Two layouts:
 * <ul>
 * <li>the zip archive of {@code torch.save} since PyTorch 1.6 ({@code <archive>/data.pkl}, one record
 * {@code <archive>/data/<key>} per storage, {@code byteorder}): storages must be STORED, as torch.save
 * writes them, and are memory-mapped in place; a compressed storage is refused (re-save the file
 * with torch.save), a big-endian one too;</li>
 * <li>the legacy layout of {@code torch.save(..., _use_new_zipfile_serialization=False)} and of
 * PyTorch before 1.6: five pickles (magic number, protocol 1001, system info, the state dict, the
 * storage keys) followed by each storage's bytes, which are mapped where they lie.</li>
 * </ul>
 * The pre-0.4 tar layout, TorchScript archives and anything that is not a state dict are refused.
 * Tensors are handed out as {@link TensorInfo} entries like safetensors ones; a tensor that is a
 * strided view of its storage (a transposed view, say) or lies at an offset not aligned to its
 * element size is copied when sliced, every other one is a view of the mapping. A strided tensor's
 * {@code begin}/{@code end} give its first element and its row-major size, not a byte range of the file.
 */
public final class TorchPickleFile implements WeightSource, AutoCloseable {

    /** The magic number of the legacy layout ({@code torch.serialization.MAGIC_NUMBER}). */
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long LEGACY_PROTOCOL = 1001;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final int FIRST_WINDOW = 1 << 20;

    /** The layout a file was read in. */
    public enum Format { ZIP, LEGACY }

    private record Region(long offset, long bytes) {
    }

    private record Stored(TensorInfo info, Tensor tensor, long storageStart) {
    }

    private final String displayName;
    private final Format format;
    private final FileChannel channel;
    private final MappedByteBuffer whole;
    private final Map<String, Stored> stored;
    private final Map<String, TensorInfo> tensors;

    private TorchPickleFile(String displayName, Format format, FileChannel channel, MappedByteBuffer whole,
            Map<String, Stored> stored) {
        this.displayName = displayName;
        this.format = format;
        this.channel = channel;
        this.whole = whole;
        this.stored = stored;
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        stored.forEach((name, s) -> infos.put(name, s.info()));
        this.tensors = Collections.unmodifiableMap(infos);
    }

    /** @param displayName how errors name the file (its name in the repo, never a full path) */
    public static TorchPickleFile open(Path file, String displayName) {
        return open(file, displayName, PickleLimits.DEFAULT);
    }

    public static TorchPickleFile open(Path file, String displayName, PickleLimits limits) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file);
            long size = channel.size();
            if (size == 0) {
                throw Messages.invalid(displayName, "is empty");
            }
            ByteBuffer head = TorchZip.read(channel, 0, (int) Math.min(size, 512));
            Reading reading;
            Format format;
            if (size >= 4 && head.getInt(0) == 0x04034b50) {
                format = Format.ZIP;
                reading = readZip(channel, size, displayName, limits);
            } else if ((head.get(0) & 0xff) == 0x80) {
                format = Format.LEGACY;
                reading = readLegacy(channel, size, displayName, limits);
            } else if (size >= 262 && "ustar".equals(new String(bytesAt(head, 257, 5), StandardCharsets.ISO_8859_1))) {
                throw Messages.unsupported(displayName, "is in the tar layout of PyTorch before 0.4, which Modelport does not"
                        + " read (torch.load(weights_only=True) refuses it too); re-save it with a current torch.save");
            } else {
                throw Messages.invalid(displayName, "is not a PyTorch checkpoint: neither torch.save's zip archive nor its"
                        + " legacy pickle layout");
            }
            Map<String, Stored> stored = stateDict(displayName, reading, size, limits);
            MappedByteBuffer whole = size <= Integer.MAX_VALUE ? channel.map(FileChannel.MapMode.READ_ONLY, 0, size) : null;
            return new TorchPickleFile(displayName, format, channel, whole, stored);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, displayName + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static byte[] bytesAt(ByteBuffer b, int at, int n) {
        byte[] out = new byte[n];
        b.get(at, out);
        return out;
    }

    /** What parsing gave: the pickle's value and where each storage's bytes lie. */
    private record Reading(Object result, Map<String, Region> regions) {
    }

    // ---- the zip layout

    private static Reading readZip(FileChannel channel, long size, String file, PickleLimits limits) throws IOException {
        TorchZip zip = TorchZip.read(channel, size, file, limits);
        if (zip.entry("constants.pkl") != null
                || zip.entries().keySet().stream().anyMatch(n -> n.startsWith(zip.prefix() + "/code/"))) {
            throw Messages.unsupported(file, "is a TorchScript archive (torch.jit.save), not a state dict saved by torch.save");
        }
        TorchZip.Entry pickle = zip.entry("data.pkl");
        if (pickle == null) {
            throw Messages.invalid(file, "is a zip archive without " + Messages.clean(zip.prefix())
                    + "/data.pkl: not a checkpoint saved by torch.save");
        }
        TorchZip.Entry byteorder = zip.entry("byteorder");
        if (byteorder != null) {
            String order = new String(zip.readSmall(byteorder, 16), StandardCharsets.ISO_8859_1);
            if (order.equals("big")) {
                throw Messages.unsupported(file, "was saved on a big-endian machine; Modelport reads little-endian checkpoints");
            }
            if (!order.equals("little")) {
                throw Messages.invalid(file, "has an unknown byte order '" + Messages.clean(order) + "'");
            }
        }
        byte[] data = zip.readSmall(pickle, limits.maxPickleBytes());
        Map<String, Region> regions = new HashMap<>();
        Map<String, Storage> byKey = new HashMap<>();
        WeightsUnpickler.StorageLoader loader = (pid, where) -> {
            if (pid.size() != 5) {
                throw Messages.invalid(file, "has a storage id of " + pid.size() + " items at " + where + " (torch.save writes 5)");
            }
            TorchDtype dtype = storageDtype(file, pid.get(1), where);
            String key = storageKey(file, pid.get(2), where);
            if (!(pid.get(3) instanceof String)) {
                throw Messages.invalid(file, "has a storage location that is not a string at " + where);
            }
            long numel = storageLength(file, pid.get(4), dtype, size, where);
            Storage known = byKey.get(key);
            if (known != null) {
                if (known.dtype != dtype || known.numel != numel) {
                    throw Messages.invalid(file, "uses storage '" + key + "' as two different types or lengths (" + where + ")");
                }
                return known;
            }
            TorchZip.Entry record = zip.entry("data/" + key);
            if (record == null) {
                throw Messages.invalid(file, "refers to storage '" + key + "' (" + where + "), which has no record "
                        + Messages.clean(zip.prefix()) + "/data/" + key + " in the archive");
            }
            if (record.method() != TorchZip.STORED) {
                throw Messages.unsupported(file, "stores storage '" + key + "' compressed; torch.save stores storages"
                        + " uncompressed, and Modelport maps them in place: re-save the file with torch.save");
            }
            if (record.size() != numel * dtype.bytes()) {
                throw Messages.invalid(file, "declares storage '" + key + "' as " + numel + " elements of " + dtype
                        + " but its record holds " + record.size() + " bytes");
            }
            try {
                regions.put(key, new Region(zip.dataOffset(record), record.size()));
            } catch (IOException e) {
                throw Messages.invalid(file, "cannot be read at storage '" + key + "': " + e.getMessage());
            }
            Storage s = new Storage(key, dtype, numel, 0);
            byKey.put(key, s);
            return s;
        };
        Object result = new WeightsUnpickler(file, data, 0, data.length, limits, loader, false).load();
        return new Reading(result, regions);
    }

    private static TorchDtype storageDtype(String file, Object type, String where) {
        if (type instanceof AllowedGlobals.Global g) {
            if (g.kind() == AllowedGlobals.Kind.UNTYPED_STORAGE) {
                return TorchDtype.U8;
            }
            if (g.kind() == AllowedGlobals.Kind.STORAGE_CLASS) {
                if (g.dtype() == null) {
                    throw Messages.unsupported(file, "holds a quantized storage (" + g.name() + ", " + where
                            + "); Modelport reads float weights");
                }
                return g.dtype();
            }
        }
        throw Messages.invalid(file, "gives " + Py.describe(type) + " as a storage type at " + where);
    }

    private static String storageKey(String file, Object key, String where) {
        if (!(key instanceof String k)) {
            throw Messages.invalid(file, "gives " + Py.describe(key) + " as a storage key at " + where);
        }
        if (KEY.matcher(k).matches()) {
            return k;
        }
        if (k.contains("/") || k.contains("\\") || k.contains("..")) {
            throw Messages.unsafe(file, "its pickle asks for the storage '" + Messages.clean(k) + "' (" + where
                    + "), a path outside the archive's data folder");
        }
        throw Messages.invalid(file, "has a storage key '" + Messages.clean(k) + "' that is not a record name (" + where + ")");
    }

    private static long storageLength(String file, Object numel, TorchDtype dtype, long fileSize, String where) {
        if (!(numel instanceof Long n) || n < 0 || n > fileSize / dtype.bytes()) {
            throw Messages.invalid(file, "declares a storage of " + Py.describe(numel) + " elements of " + dtype + " at " + where
                    + ", more than the file's " + fileSize + " bytes could hold");
        }
        return n;
    }

    // ---- the legacy layout

    private static Reading readLegacy(FileChannel channel, long size, String file, PickleLimits limits) throws IOException {
        long limit = Math.min(size, limits.maxPickleBytes());
        int window = (int) Math.min(limit, FIRST_WINDOW);
        while (true) {
            byte[] data = new byte[window];
            TorchZip.read(channel, 0, window).get(0, data);
            try {
                return parseLegacy(channel, size, file, limits, data, window < size);
            } catch (WeightsUnpickler.NeedMoreBytes more) {
                if (window >= limit) {
                    throw Messages.invalid(file, "has pickles longer than " + limits.maxPickleBytes() + " bytes");
                }
                window = (int) Math.min(limit, (long) window * 4);
            }
        }
    }

    private static Reading parseLegacy(FileChannel channel, long size, String file, PickleLimits limits, byte[] data,
            boolean partial) throws IOException {
        WeightsUnpickler.StorageLoader none = (pid, where) -> {
            throw Messages.invalid(file, "has a persistent id outside its state dict's pickle (" + where + ")");
        };
        WeightsUnpickler magic = new WeightsUnpickler(file, data, 0, data.length, limits, none, partial);
        if (!(magic.load() instanceof BigInteger m && m.equals(MAGIC))) {
            throw Messages.invalid(file, "does not start with torch.save's magic number: not a PyTorch checkpoint");
        }
        WeightsUnpickler protocol = new WeightsUnpickler(file, data, magic.position(), data.length, limits, none, partial);
        if (!(protocol.load() instanceof Long p && p == LEGACY_PROTOCOL)) {
            throw Messages.invalid(file, "has an unknown legacy protocol version (expected " + LEGACY_PROTOCOL + ")");
        }
        WeightsUnpickler sysInfo = new WeightsUnpickler(file, data, protocol.position(), data.length, limits, none, partial);
        if (!(sysInfo.load() instanceof PyDict info)) {
            throw Messages.invalid(file, "has no system information record after its protocol version");
        }
        if (Boolean.FALSE.equals(info.map.get("little_endian"))) {
            throw Messages.unsupported(file, "was saved on a big-endian machine; Modelport reads little-endian checkpoints");
        }
        Map<String, Storage> roots = new LinkedHashMap<>();
        Map<String, Storage> views = new HashMap<>();
        WeightsUnpickler.StorageLoader loader = (pid, where) -> {
            if (pid.size() != 6) {
                throw Messages.invalid(file, "has a storage id of " + pid.size() + " items at " + where
                        + " (the legacy layout has 6)");
            }
            TorchDtype dtype = storageDtype(file, pid.get(1), where);
            String key = storageKey(file, pid.get(2), where);
            if (!(pid.get(3) instanceof String)) {
                throw Messages.invalid(file, "has a storage location that is not a string at " + where);
            }
            long numel = storageLength(file, pid.get(4), dtype, size, where);
            Storage root = roots.get(key);
            if (root == null) {
                root = new Storage(key, dtype, numel, 0);
                roots.put(key, root);
            } else if (root.dtype != dtype || root.numel != numel) {
                throw Messages.invalid(file, "uses storage '" + key + "' as two different types or lengths (" + where + ")");
            }
            Object view = pid.get(5);
            if (view == null) {
                return root;
            }
            if (!(view instanceof PyTuple v) || v.size() != 3 || !(v.get(1) instanceof Long offset)
                    || !(v.get(2) instanceof Long length) || offset < 0 || length < 0 || offset > numel - length) {
                throw Messages.invalid(file, "has a storage view at " + where + " that does not lie within storage '" + key + "'");
            }
            String viewKey = storageKey(file, v.get(0), where);
            Storage known = views.get(viewKey);
            if (known != null) {
                if (!known.key.equals(key) || known.base != offset || known.numel != length || known.dtype != dtype) {
                    throw Messages.invalid(file, "uses storage view '" + viewKey + "' for two different ranges (" + where + ")");
                }
                return known;
            }
            Storage made = new Storage(key, dtype, length, offset);
            views.put(viewKey, made);
            return made;
        };
        WeightsUnpickler main = new WeightsUnpickler(file, data, sysInfo.position(), data.length, limits, loader, partial);
        Object result = main.load();
        WeightsUnpickler keysPickle = new WeightsUnpickler(file, data, main.position(), data.length, limits, none, partial);
        if (!(keysPickle.load() instanceof PyList keys)) {
            throw Messages.invalid(file, "has no list of storage keys after its state dict");
        }
        Map<String, Region> regions = new HashMap<>();
        long at = keysPickle.position();
        Set<String> seen = new HashSet<>();
        for (Object k : keys.items) {
            if (!(k instanceof String key) || !seen.add(key)) {
                throw Messages.invalid(file, "lists " + Py.describe(k) + " as a storage key, or lists it twice");
            }
            Storage root = roots.get(key);
            if (root == null) {
                throw Messages.invalid(file, "lists storage '" + Messages.clean(key) + "', which no tensor uses");
            }
            if (at > size - 8) {
                throw Messages.invalid(file, "is truncated: it ends before the data of storage '" + key + "'");
            }
            long count = TorchZip.read(channel, at, 8).getLong(0);
            if (count != root.numel) {
                throw Messages.invalid(file, "stores " + count + " elements for storage '" + key + "', which its pickle"
                        + " declares with " + root.numel);
            }
            long begin = at + 8;
            if (root.bytes() > size - begin) {
                throw Messages.invalid(file, "is truncated: the data of storage '" + key + "' runs past the end of the file");
            }
            regions.put(key, new Region(begin, root.bytes()));
            at = begin + root.bytes();
        }
        for (String key : roots.keySet()) {
            if (!regions.containsKey(key)) {
                throw Messages.invalid(file, "never stores the data of storage '" + key + "', which a tensor uses");
            }
        }
        return new Reading(result, regions);
    }

    // ---- the state dict

    private static Map<String, Stored> stateDict(String file, Reading reading, long fileSize, PickleLimits limits) {
        if (!(reading.result() instanceof PyDict dict)) {
            throw Messages.invalid(file, "holds " + Py.describe(reading.result()) + ", not a state dict of named tensors");
        }
        Map<String, Stored> out = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<Object, Object> e : dict.map.entrySet()) {
            if (!(e.getKey() instanceof String name) || name.isEmpty()) {
                throw Messages.invalid(file, "has " + Py.describe(e.getKey()) + " as a state dict key; tensor names are strings");
            }
            if (!(e.getValue() instanceof Tensor t)) {
                throw Messages.invalid(file, "holds " + Py.describe(e.getValue()) + " under '" + Messages.clean(name)
                        + "', not a tensor: it is not a flat state dict of the kind transformers saves");
            }
            Region region = reading.regions().get(t.storage.key);
            if (region == null) {
                throw Messages.invalid(file, "has no data for the storage of tensor '" + Messages.clean(name) + "'");
            }
            long storageStart = region.offset() + t.storage.base * t.storage.dtype.bytes();
            long begin = storageStart + t.offset * t.dtype.bytes();
            long bytes = t.numel * t.dtype.bytes();
            total += bytes;
            if (total > limits.maxViewFactor() * fileSize) {
                throw Messages.invalid(file, "has tensors adding up to more than " + limits.maxViewFactor()
                        + " times the file's " + fileSize + " bytes: views that repeat one storage are refused");
            }
            TensorInfo info = new TensorInfo(name, t.dtype.name(), t.size.clone(), begin, begin + bytes);
            out.put(name, new Stored(info, t, storageStart));
        }
        return out;
    }

    // ---- reading tensors

    @Override
    public String displayName() {
        return displayName;
    }

    public Format format() {
        return format;
    }

    /** Every tensor of the state dict, in the file's order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public ByteBuffer slice(TensorInfo info, long offset, long length) {
        Stored s = stored.get(info.name());
        if (s == null || offset < 0 || length < 0 || offset + length > s.info().byteSize() || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bytes " + offset + "+" + length + " are not within tensor " + info.name());
        }
        int elementBytes = s.tensor().dtype.bytes();
        try {
            if (s.tensor().contiguous) {
                long at = s.info().begin() + offset;
                return at % elementBytes == 0 ? view(at, (int) length) : copy(at, (int) length);
            }
            return gather(s, offset, (int) length);
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    displayName + " cannot be read at tensor '" + info.name() + "': " + e.getMessage(), e);
        }
    }

    private ByteBuffer view(long at, int length) throws IOException {
        ByteBuffer b = whole != null ? whole.slice((int) at, length) : channel.map(FileChannel.MapMode.READ_ONLY, at, length);
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer copy(long at, int length) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        if (whole != null) {
            out.put(0, whole, (int) at, length);
        } else {
            while (out.hasRemaining()) {
                if (channel.read(out, at + out.position()) < 0) {
                    throw new IOException("unexpected end of file");
                }
            }
            out.clear();
        }
        return out;
    }

    /** The row-major bytes of a strided view, element by element (runs where the last stride is 1). */
    private ByteBuffer gather(Stored s, long offset, int length) throws IOException {
        Tensor t = s.tensor();
        int es = t.dtype.bytes();
        if (offset % es != 0 || length % es != 0) {
            throw new IllegalArgumentException("a part of tensor " + s.info().name() + " that splits an element");
        }
        long first = offset / es;
        long n = length / es;
        int dims = t.size.length;
        long lastElement = 0;
        for (int d = 0; d < dims; d++) {
            lastElement += (t.size[d] - 1) * t.stride[d];
        }
        long elementsStart = s.storageStart() + t.offset * es;
        long span = (lastElement + 1) * es;
        ByteBuffer src;
        long base;
        if (whole != null) {
            src = whole;
            base = elementsStart;
        } else if (span <= Integer.MAX_VALUE) {
            src = channel.map(FileChannel.MapMode.READ_ONLY, elementsStart, span);
            base = 0;
        } else {
            throw Messages.unsupported(displayName, "stores tensor '" + Messages.clean(s.info().name())
                    + "' as a strided view spanning over 2 GiB, which Modelport does not read");
        }
        ByteBuffer out = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        long[] index = new long[dims];
        long rest = first;
        long physical = 0;
        for (int d = dims - 1; d >= 0; d--) {
            index[d] = rest % t.size[d];
            rest /= t.size[d];
            physical += index[d] * t.stride[d];
        }
        int last = dims - 1;
        long done = 0;
        while (done < n) {
            long run = t.stride[last] == 1 ? Math.min(t.size[last] - index[last], n - done) : 1;
            out.put((int) (done * es), src, (int) (base + physical * es), (int) (run * es));
            done += run;
            index[last] += run;
            physical += run * t.stride[last];
            for (int d = last; d > 0 && index[d] == t.size[d]; d--) {
                physical -= t.size[d] * t.stride[d];
                index[d] = 0;
                index[d - 1]++;
                physical += t.stride[d - 1];
            }
        }
        return out;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
    }
}
