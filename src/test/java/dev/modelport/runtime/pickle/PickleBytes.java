package dev.modelport.runtime.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A small pickle assembler for tests: protocol 2 opcodes as torch.save writes them. */
final class PickleBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static PickleBytes proto() {
        PickleBytes p = new PickleBytes();
        p.out.write(0x80);
        p.out.write(2);
        return p;
    }

    PickleBytes raw(int op) {
        out.write(op);
        return this;
    }

    PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    PickleBytes none() {
        return raw('N');
    }

    PickleBytes unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        raw('X').u32(b.length);
        return raw(b);
    }

    PickleBytes global(String module, String name) {
        return raw('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleBytes integer(long v) {
        if (v >= 0 && v < 256) {
            return raw('K').raw((int) v);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return raw('J').u32(v);
        }
        raw(0x8a).raw(8);
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    PickleBytes ints(long[] values) {
        raw('(');
        for (long v : values) {
            integer(v);
        }
        return raw('t');
    }

    /** {@code _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    PickleBytes tensor(String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").raw('(');
        raw('(').unicode("storage").global("torch", "FloatStorage").unicode(key).unicode("cpu").integer(numel).raw('t').raw('Q');
        integer(offset).ints(size).ints(stride).raw(0x89).global("collections", "OrderedDict").raw(')').raw('R');
        return raw('t').raw('R');
    }

    byte[] stop() {
        out.write('.');
        return out.toByteArray();
    }
}
