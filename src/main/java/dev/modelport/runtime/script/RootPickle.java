package dev.modelport.runtime.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The pickle (protocol 2) of a TorchScript root module object as libtorch's unpickler reads it:
 * {@code GLOBAL module class, EMPTY_TUPLE, NEWOBJ} and a state dict applied with {@code BUILD},
 * holding {@code training = False} and None for each Optional attribute.
 */
final class RootPickle {

    private static final int PROTO = 0x80;
    private static final int GLOBAL = 'c';
    private static final int EMPTY_TUPLE = ')';
    private static final int NEWOBJ = 0x81;
    private static final int EMPTY_DICT = '}';
    private static final int MARK = '(';
    private static final int BINUNICODE = 'X';
    private static final int NEWFALSE = 0x89;
    private static final int NONE = 'N';
    private static final int SETITEMS = 'u';
    private static final int BUILD = 'b';
    private static final int STOP = '.';

    private RootPickle() {
    }

    static byte[] of(String module, String className, List<String> noneAttributes) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(PROTO);
        p.write(2);
        p.write(GLOBAL);
        p.writeBytes((module + "\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(EMPTY_TUPLE);
        p.write(NEWOBJ);
        p.write(EMPTY_DICT);
        p.write(MARK);
        string(p, "training");
        p.write(NEWFALSE);
        for (String name : noneAttributes) {
            string(p, name);
            p.write(NONE);
        }
        p.write(SETITEMS);
        p.write(BUILD);
        p.write(STOP);
        return p.toByteArray();
    }

    static byte[] emptyTuple() {
        return new byte[] {(byte) PROTO, 2, EMPTY_TUPLE, STOP};
    }

    private static void string(ByteArrayOutputStream p, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        p.write(BINUNICODE);
        // little-endian 4-byte length
        p.write(utf8.length & 0xFF);
        p.write((utf8.length >> 8) & 0xFF);
        p.write((utf8.length >> 16) & 0xFF);
        p.write((utf8.length >> 24) & 0xFF);
        p.writeBytes(utf8);
    }
}
