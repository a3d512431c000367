package dev.modelport.runtime.pickle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python values a weights-only pickle can build, as plain Java objects: {@code null} (None),
 * {@link Boolean}, {@link Long} (or {@link BigInteger} beyond 64 bits), {@link Double}, {@link String},
 * and the classes below. Containers use identity equality and are never walked recursively (no
 * {@code toString}, {@code hashCode} or {@code equals} over their contents), so a cyclic or deeply
 * nested structure cannot overflow the stack; dict keys and set members are scalars only.
 */
final class Py {

    private Py() {
    }

    /** Anything that holds other values keeps its nesting depth, bounded by the limits. */
    abstract static class Container {
        int depth = 1;
    }

    static final class PyList extends Container {
        final List<Object> items = new ArrayList<>();
    }

    static final class PyTuple extends Container {
        final List<Object> items;

        PyTuple(List<Object> items) {
            this.items = items;
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }
    }

    enum DictKind { DICT, ORDERED_DICT, COUNTER }

    static final class PyDict extends Container {
        final DictKind kind;
        final Map<Object, Object> map = new LinkedHashMap<>();

        PyDict(DictKind kind) {
            this.kind = kind;
        }
    }

    static final class PySet extends Container {
        final Set<Object> members = new LinkedHashSet<>();
    }

    /** {@code bytes} or {@code bytearray}. */
    static final class PyBytes {
        final byte[] bytes;

        PyBytes(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /** A value torch allows that Modelport only carries (a device, a layout, a complex number). */
    static final class Opaque {
        final String what;

        Opaque(String what) {
            this.what = what;
        }
    }

    /**
     * A storage as {@code persistent_load} gave it: a record of the checkpoint ({@code key}), its
     * element type and count; a legacy view is {@code numel} elements from {@code base} of its root.
     */
    static final class Storage {
        final String key;
        final TorchDtype dtype;
        final long numel;
        final long base;

        Storage(String key, TorchDtype dtype, long numel, long base) {
            this.key = key;
            this.dtype = dtype;
            this.numel = numel;
            this.base = base;
        }

        long bytes() {
            return numel * dtype.bytes();
        }
    }

    /**
     * A tensor as {@code _rebuild_tensor*} made it: {@code size} elements of {@code dtype} laid out
     * from element {@code offset} of its storage with {@code stride}. Checked when made: every
     * element lies within the storage and the tensor has no more elements than its storage.
     */
    static final class Tensor {
        final Storage storage;
        final TorchDtype dtype;
        final long offset;
        final long[] size;
        final long[] stride;
        final long numel;
        final boolean contiguous;

        Tensor(Storage storage, TorchDtype dtype, long offset, long[] size, long[] stride, long numel, boolean contiguous) {
            this.storage = storage;
            this.dtype = dtype;
            this.offset = offset;
            this.size = size;
            this.stride = stride;
            this.numel = numel;
            this.contiguous = contiguous;
        }
    }

    static int depth(Object o) {
        return o instanceof Container c ? c.depth : 0;
    }

    /** Whether a value may be a dict key or set member here: scalars only. */
    static boolean isScalar(Object o) {
        return o == null || o instanceof String || o instanceof Long || o instanceof Boolean || o instanceof Double
                || o instanceof BigInteger;
    }

    /** A short, non-recursive description for messages: the Python type, and a scalar's value cut short. */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String s) {
            return "the string '" + Messages.clean(s) + "'";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            String t = o.toString();
            return "the int " + (t.length() > 24 ? t.substring(0, 24) + "..." : t);
        }
        if (o instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (o instanceof Double) {
            return "a float";
        }
        if (o instanceof PyList) {
            return "a list";
        }
        if (o instanceof PyTuple t) {
            return "a tuple of " + t.size();
        }
        if (o instanceof PyDict d) {
            return switch (d.kind) {
                case DICT -> "a dict";
                case ORDERED_DICT -> "an OrderedDict";
                case COUNTER -> "a Counter";
            };
        }
        if (o instanceof PySet) {
            return "a set";
        }
        if (o instanceof PyBytes) {
            return "bytes";
        }
        if (o instanceof Opaque op) {
            return op.what;
        }
        if (o instanceof Storage) {
            return "a storage";
        }
        if (o instanceof Tensor) {
            return "a tensor";
        }
        if (o instanceof AllowedGlobals.Global g) {
            return "the global " + g.name();
        }
        return o.getClass().getSimpleName();
    }
}
