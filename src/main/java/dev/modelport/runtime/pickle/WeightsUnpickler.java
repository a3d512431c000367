package dev.modelport.runtime.pickle;

import dev.modelport.runtime.pickle.AllowedGlobals.Global;
import dev.modelport.runtime.pickle.AllowedGlobals.Kind;
import dev.modelport.runtime.pickle.Py.DictKind;
import dev.modelport.runtime.pickle.Py.Opaque;
import dev.modelport.runtime.pickle.Py.PyBytes;
import dev.modelport.runtime.pickle.Py.PyDict;
import dev.modelport.runtime.pickle.Py.PyList;
import dev.modelport.runtime.pickle.Py.PySet;
import dev.modelport.runtime.pickle.Py.PyTuple;
import dev.modelport.runtime.pickle.Py.Storage;
import dev.modelport.runtime.pickle.Py.Tensor;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle machine that does what PyTorch's weights-only unpickler
 * ({@code torch/_weights_only_unpickler.py}) accepts and nothing else: the same opcodes, the same
 * globals ({@link AllowedGlobals}), REDUCE and NEWOBJ only on allowed globals, BUILD only on an
 * OrderedDict or Counter, APPEND only to lists, SETITEM only to dicts, and persistent ids only for
 * storages. It is an interpreter of data, not of code: a global is a name looked up in a table, a
 * REDUCE on one of the few it implements (OrderedDict, Size, the tensor rebuild functions, ...)
 * builds a Java value, and anything else refuses the file naming what it met:
 * <ul>
 * <li>{@code UNSAFE_WEIGHTS}: an opcode, global, call or target outside torch's allow-list;</li>
 * <li>{@code INVALID_CHECKPOINT}: truncated or malformed bytes, or a bound of {@link PickleLimits} passed;</li>
 * <li>{@code UNSUPPORTED_MODEL_FILES}: something torch allows that is no plain dense tensor (quantized,
 * sparse or nested tensors, tensor subclasses, conjugate or negative views).</li>
 * </ul>
 */
final class WeightsUnpickler {

    /** Resolves a {@code ('storage', ...)} persistent id to a storage of the checkpoint. */
    interface StorageLoader {
        Storage load(PyTuple pid, String where);
    }

    // the opcodes torch's weights-only unpickler accepts (pickle protocol 2 and below)
    private static final int MARK = '(';
    private static final int STOP = '.';
    private static final int BINFLOAT = 'G';
    private static final int BININT = 'J';
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int NONE = 'N';
    private static final int BINPERSID = 'Q';
    private static final int REDUCE = 'R';
    private static final int SHORT_BINSTRING = 'U';
    private static final int BINUNICODE = 'X';
    private static final int APPEND = 'a';
    private static final int BUILD = 'b';
    private static final int GLOBAL = 'c';
    private static final int APPENDS = 'e';
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int EMPTY_LIST = ']';
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int SETITEM = 's';
    private static final int TUPLE = 't';
    private static final int SETITEMS = 'u';
    private static final int EMPTY_DICT = '}';
    private static final int EMPTY_TUPLE = ')';
    private static final int PROTO = 0x80;
    private static final int NEWOBJ = 0x81;
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int LONG1 = 0x8a;
    private static final int EMPTY_SET = 0x8f;

    /** The names of the opcodes refused, for messages. */
    private static final Map<Integer, String> OTHER_OPCODES = Map.ofEntries(
            Map.entry((int) 'i', "INST"), Map.entry((int) 'o', "OBJ"), Map.entry(0x93, "STACK_GLOBAL"),
            Map.entry(0x92, "NEWOBJ_EX"), Map.entry((int) 'P', "PERSID"), Map.entry((int) 'I', "INT"),
            Map.entry((int) 'L', "LONG"), Map.entry((int) 'F', "FLOAT"), Map.entry((int) 'S', "STRING"),
            Map.entry((int) 'T', "BINSTRING"), Map.entry((int) 'V', "UNICODE"), Map.entry((int) 'd', "DICT"),
            Map.entry((int) 'l', "LIST"), Map.entry((int) '0', "POP"), Map.entry((int) '1', "POP_MARK"),
            Map.entry((int) '2', "DUP"), Map.entry((int) 'g', "GET"), Map.entry((int) 'p', "PUT"),
            Map.entry(0x82, "EXT1"), Map.entry(0x83, "EXT2"), Map.entry(0x84, "EXT4"), Map.entry(0x8b, "LONG4"),
            Map.entry(0x8c, "SHORT_BINUNICODE"), Map.entry(0x8d, "BINUNICODE8"), Map.entry(0x8e, "BINBYTES8"),
            Map.entry(0x90, "ADDITEMS"), Map.entry(0x91, "FROZENSET"), Map.entry(0x94, "MEMOIZE"),
            Map.entry(0x95, "FRAME"), Map.entry(0x96, "BYTEARRAY8"), Map.entry(0x97, "NEXT_BUFFER"),
            Map.entry(0x98, "READONLY_BUFFER"), Map.entry((int) 'B', "BINBYTES"), Map.entry((int) 'C', "SHORT_BINBYTES"));

    private static final int MAX_NAME_BYTES = 256;

    private final String file;
    private final byte[] data;
    private final int end;
    private final PickleLimits limits;
    private final StorageLoader storages;
    private final boolean partial;

    private int pos;
    private int opStart;
    private List<Object> stack = new ArrayList<>();
    private final List<List<Object>> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private long values;

    /** Thrown instead of "truncated" when the bytes given are only the start of the file. */
    static final class NeedMoreBytes extends RuntimeException {
        NeedMoreBytes() {
            super(null, null, false, false);
        }
    }

    /**
     * @param file    how messages name the file
     * @param data    the bytes holding the pickle, read from {@code start} up to {@code end}
     * @param partial whether the file goes on past {@code end}: running out of bytes then throws
     *                {@link NeedMoreBytes}, so that the caller can read more and start again
     */
    WeightsUnpickler(String file, byte[] data, int start, int end, PickleLimits limits, StorageLoader storages,
            boolean partial) {
        this.file = file;
        this.data = data;
        this.pos = start;
        this.end = end;
        this.limits = limits;
        this.storages = storages;
        this.partial = partial;
    }

    /** Where the pickle ended (one past its STOP), after {@link #load()}. */
    int position() {
        return pos;
    }

    /** Runs the pickle to its STOP and answers the value it built. */
    Object load() {
        while (true) {
            opStart = pos;
            int op = u8();
            switch (op) {
                case PROTO -> u8();
                case STOP -> {
                    return pop();
                }
                case GLOBAL -> global();
                case REDUCE -> reduce();
                case NEWOBJ -> newObj();
                case BUILD -> build();
                case BINPERSID -> persistentId();
                case MARK -> mark();
                case TUPLE -> push(tuple(popMark()));
                case TUPLE1 -> push(tuple(popN(1)));
                case TUPLE2 -> push(tuple(popN(2)));
                case TUPLE3 -> push(tuple(popN(3)));
                case EMPTY_TUPLE -> push(tuple(List.of()));
                case EMPTY_LIST -> push(new PyList());
                case EMPTY_DICT -> push(new PyDict(DictKind.DICT));
                case EMPTY_SET -> push(new PySet());
                case APPEND -> append(Collections.singletonList(pop()));
                case APPENDS -> append(popMark());
                case SETITEM -> {
                    Object v = pop();
                    Object k = pop();
                    setItems(Arrays.asList(k, v));
                }
                case SETITEMS -> setItems(popMark());
                case NONE -> push(null);
                case NEWTRUE -> push(Boolean.TRUE);
                case NEWFALSE -> push(Boolean.FALSE);
                case BININT -> push((long) s32());
                case BININT1 -> push((long) u8());
                case BININT2 -> push((long) (u8() | (u8() << 8)));
                case LONG1 -> push(long1());
                case BINFLOAT -> push(Double.longBitsToDouble(s64be()));
                case BINUNICODE -> push(utf8(length(u32()), "BINUNICODE"));
                case SHORT_BINSTRING -> push(utf8(u8(), "SHORT_BINSTRING"));
                case BINGET -> get(u8());
                case LONG_BINGET -> get(u32());
                case BINPUT -> put(u8());
                case LONG_BINPUT -> put(u32());
                default -> throw Messages.unsafe(file, "its pickle uses the opcode " + opcodeName(op) + " at byte " + opStart
                        + ", which torch.load(weights_only=True) does not allow");
            }
        }
    }

    private static String opcodeName(int op) {
        String name = OTHER_OPCODES.get(op);
        String hex = String.format("0x%02x", op);
        return name == null ? hex : name + " (" + hex + ")";
    }

    // ---- reading bytes

    private int u8() {
        if (pos >= end) {
            throw truncated();
        }
        return data[pos++] & 0xff;
    }

    private int s32() {
        return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
    }

    private long u32() {
        return s32() & 0xffffffffL;
    }

    private long s64be() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | u8();
        }
        return v;
    }

    private int length(long n) {
        if (n > limits.maxStringBytes()) {
            throw Messages.invalid(file, "has a string of " + n + " bytes at byte " + opStart + " of its pickle, over the "
                    + limits.maxStringBytes() + "-byte limit");
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        if (n > end - pos) {
            throw truncated();
        }
        byte[] b = new byte[n];
        System.arraycopy(data, pos, b, 0, n);
        pos += n;
        return b;
    }

    private RuntimeException truncated() {
        if (partial) {
            return new NeedMoreBytes();
        }
        return Messages.invalid(file, "is truncated: its pickle ends at byte " + pos + " before its STOP opcode");
    }

    private String utf8(int n, String op) {
        byte[] b = bytes(n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw Messages.invalid(file, "has a " + op + " at byte " + opStart + " of its pickle that is not valid UTF-8");
        }
    }

    private Object long1() {
        int n = u8();
        byte[] b = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[n];
        for (int i = 0; i < n; i++) {
            bigEndian[i] = b[n - 1 - i];
        }
        BigInteger v = new BigInteger(bigEndian);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() {
        int start = pos;
        while (pos < end && data[pos] != '\n') {
            if (pos - start >= MAX_NAME_BYTES) {
                throw Messages.invalid(file, "has a GLOBAL at byte " + opStart + " of its pickle with a name over "
                        + MAX_NAME_BYTES + " bytes");
            }
            pos++;
        }
        if (pos >= end) {
            throw truncated();
        }
        byte[] b = new byte[pos - start];
        System.arraycopy(data, start, b, 0, b.length);
        pos++;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw Messages.invalid(file, "has a GLOBAL at byte " + opStart + " of its pickle whose name is not valid UTF-8");
        }
    }

    // ---- the stack, marks and memo

    private void push(Object v) {
        count(1);
        pushRef(v);
    }

    private void pushRef(Object v) {
        if (stack.size() >= limits.maxStack()) {
            throw Messages.invalid(file, "needs more than " + limits.maxStack() + " values on the pickle stack (byte "
                    + opStart + ")");
        }
        stack.add(v);
    }

    private void count(long n) {
        values += n;
        if (values > limits.maxValues()) {
            throw Messages.invalid(file, "builds more than " + limits.maxValues() + " values in its pickle (byte " + opStart
                    + "): far more than any state dict");
        }
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw Messages.invalid(file, "pops an empty pickle stack at byte " + opStart);
        }
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw Messages.invalid(file, "reads an empty pickle stack at byte " + opStart);
        }
        return stack.getLast();
    }

    private List<Object> popN(int n) {
        if (stack.size() < n) {
            throw Messages.invalid(file, "pops " + n + " values from a pickle stack of " + stack.size() + " at byte " + opStart);
        }
        List<Object> top = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return top;
    }

    private void mark() {
        if (marks.size() >= limits.maxDepth()) {
            throw Messages.invalid(file, "opens more than " + limits.maxDepth() + " MARKs at once in its pickle (byte "
                    + opStart + ")");
        }
        marks.add(stack);
        stack = new ArrayList<>();
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw Messages.invalid(file, "closes a MARK it never opened at byte " + opStart + " of its pickle");
        }
        List<Object> items = stack;
        stack = marks.removeLast();
        return items;
    }

    private void get(long index) {
        Object v = memo.get(index);
        if (v == null && !memo.containsKey(index)) {
            throw Messages.invalid(file, "reads memo entry " + index + " at byte " + opStart + " of its pickle, which was never set");
        }
        pushRef(v);
    }

    private void put(long index) {
        Object v = peek();
        if (!memo.containsKey(index) && memo.size() >= limits.maxMemo()) {
            throw Messages.invalid(file, "sets more than " + limits.maxMemo() + " memo entries in its pickle (byte " + opStart + ")");
        }
        memo.put(index, v);
    }

    // ---- containers

    private PyTuple tuple(List<Object> items) {
        PyTuple t = new PyTuple(Collections.unmodifiableList(new ArrayList<>(items)));
        t.depth = 1 + maxDepth(items);
        checkDepth(t.depth);
        return t;
    }

    private static int maxDepth(List<Object> items) {
        int d = 0;
        for (Object o : items) {
            d = Math.max(d, Py.depth(o));
        }
        return d;
    }

    private void checkDepth(int depth) {
        if (depth > limits.maxDepth()) {
            throw Messages.invalid(file, "nests containers more than " + limits.maxDepth() + " deep in its pickle (byte "
                    + opStart + ")");
        }
    }

    private void append(List<Object> items) {
        Object target = peek();
        if (!(target instanceof PyList list)) {
            throw Messages.unsafe(file, "its pickle appends to " + Py.describe(target) + " at byte " + opStart
                    + " (only lists may be appended to)");
        }
        count(items.size());
        list.items.addAll(items);
        list.depth = Math.max(list.depth, 1 + maxDepth(items));
        checkDepth(list.depth);
    }

    private void setItems(List<Object> items) {
        Object target = peek();
        if (!(target instanceof PyDict dict)) {
            throw Messages.unsafe(file, "its pickle sets items on " + Py.describe(target) + " at byte " + opStart
                    + " (only dict, OrderedDict and Counter may be)");
        }
        putItems(dict, items);
    }

    private void putItems(PyDict dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw Messages.invalid(file, "has a SETITEMS with an odd number of values at byte " + opStart + " of its pickle");
        }
        count(items.size());
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            if (!Py.isScalar(key)) {
                throw Messages.invalid(file, "uses " + Py.describe(key) + " as a dict key at byte " + opStart
                        + " of its pickle; a state dict's keys are strings");
            }
            Object value = items.get(i + 1);
            dict.map.put(key, value);
            dict.depth = Math.max(dict.depth, 1 + Py.depth(value));
        }
        checkDepth(dict.depth);
    }

    // ---- globals and calls

    private void global() {
        String module = line();
        String name = line();
        module = AllowedGlobals.IMPORT_MAPPING.getOrDefault(module, module);
        String full = module + "." + name;
        if (AllowedGlobals.BLOCKED_MODULES.contains(module)) {
            throw Messages.unsafe(file, "its pickle names the global " + Messages.clean(full) + " (byte " + opStart
                    + "), from the module " + Messages.clean(module) + ", which torch never allows");
        }
        Global g = AllowedGlobals.lookup(full);
        if (g == null) {
            throw Messages.unsafe(file, "its pickle names the global " + Messages.clean(full) + " (byte " + opStart
                    + "), which torch.load(weights_only=True) does not allow");
        }
        push(g);
    }

    private void reduce() {
        Object args = pop();
        Object func = peek();
        if (!(func instanceof Global g)) {
            throw Messages.unsafe(file, "its pickle calls " + Py.describe(func) + " (REDUCE at byte " + opStart
                    + "); only allowed globals may be called");
        }
        List<Object> a = arguments(args, g);
        stack.set(stack.size() - 1, call(g, a));
    }

    private List<Object> arguments(Object args, Global g) {
        if (args instanceof PyTuple t) {
            return t.items;
        }
        if (args instanceof PyList l) {
            return l.items;
        }
        throw Messages.invalid(file, "calls " + g.name() + " with " + Py.describe(args) + " as its arguments at byte " + opStart);
    }

    private Object call(Global g, List<Object> a) {
        return switch (g.kind()) {
            case ORDERED_DICT -> newDict(DictKind.ORDERED_DICT, a, g);
            case COUNTER -> newDict(DictKind.COUNTER, a, g);
            case SET -> newSet(a, g);
            case SIZE -> size(a, g);
            case CODECS_ENCODE -> encode(a, g);
            case BYTEARRAY -> bytearray(a, g);
            case COMPLEX -> new Opaque("a complex number");
            case DEVICE -> device(a, g);
            case GET_LAYOUT -> new Opaque("a tensor layout");
            case REBUILD_TENSOR -> {
                arity(g, a, 4, 4);
                yield tensor(a.get(0), null, a.get(1), a.get(2), a.get(3), null);
            }
            case REBUILD_TENSOR_V2 -> {
                arity(g, a, 6, 7);
                checkRebuildExtras(g, a.get(4), a.get(5));
                yield tensor(a.get(0), null, a.get(1), a.get(2), a.get(3), a.size() > 6 ? a.get(6) : null);
            }
            case REBUILD_TENSOR_V3 -> {
                arity(g, a, 7, 8);
                checkRebuildExtras(g, a.get(4), a.get(5));
                yield tensor(a.get(0), dtypeArgument(a.get(6), g), a.get(1), a.get(2), a.get(3), a.size() > 7 ? a.get(7) : null);
            }
            case REBUILD_PARAMETER -> {
                arity(g, a, 3, 3);
                yield parameter(a.get(0), a.get(1), g);
            }
            case REBUILD_PARAMETER_WITH_STATE -> {
                arity(g, a, 4, 4);
                yield parameter(a.get(0), a.get(1), g);
            }
            case REBUILD_FROM_TYPE_V2 -> rebuildFromType(a, g);
            case REBUILD_OTHER -> throw Messages.unsupported(file, "holds a tensor made by " + g.name() + " (byte " + opStart
                    + "): torch allows it, but Modelport reads dense tensors only (not quantized, sparse, nested, meta or"
                    + " subclass tensors)");
            case TENSOR, TENSOR_CLASS, UNTYPED_STORAGE, TYPED_STORAGE, PARAMETER -> throw Messages.unsupported(file,
                    "calls the constructor " + g.name() + " (byte " + opStart + "): torch allows it, but a state dict saved by"
                            + " torch.save never needs it, and Modelport does not build tensors or storages that way");
            case DTYPE, STORAGE_CLASS, QSCHEME -> throw Messages.invalid(file, "calls " + g.name() + " (byte " + opStart
                    + "), which is not callable");
        };
    }

    private void arity(Global g, List<Object> a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw Messages.invalid(file, "calls " + g.name() + " with " + a.size() + " arguments at byte " + opStart);
        }
    }

    private Object newDict(DictKind kind, List<Object> a, Global g) {
        PyDict d = new PyDict(kind);
        if (a.isEmpty()) {
            return d;
        }
        if (a.size() == 1 && a.get(0) instanceof PyDict src) {
            count(src.map.size() * 2L);
            d.map.putAll(src.map);
            d.depth = src.depth;
            return d;
        }
        if (a.size() == 1 && a.get(0) instanceof PyList pairs) {
            List<Object> flat = new ArrayList<>();
            for (Object p : pairs.items) {
                if (!(p instanceof PyTuple t) || t.size() != 2) {
                    throw Messages.invalid(file, "builds " + g.name() + " from a list of " + Py.describe(p) + " at byte " + opStart);
                }
                flat.add(t.get(0));
                flat.add(t.get(1));
            }
            putItems(d, flat);
            return d;
        }
        throw Messages.invalid(file, "builds " + g.name() + " from " + a.size() + " arguments at byte " + opStart);
    }

    private Object newSet(List<Object> a, Global g) {
        PySet s = new PySet();
        if (a.isEmpty()) {
            return s;
        }
        List<Object> members = a.size() == 1 && a.get(0) instanceof PyList l ? l.items
                : a.size() == 1 && a.get(0) instanceof PyTuple t ? t.items : null;
        if (members == null) {
            throw Messages.invalid(file, "builds " + g.name() + " from " + Py.describe(a.get(0)) + " at byte " + opStart);
        }
        count(members.size());
        for (Object m : members) {
            if (!Py.isScalar(m)) {
                throw Messages.invalid(file, "puts " + Py.describe(m) + " in a set at byte " + opStart);
            }
            s.members.add(m);
        }
        return s;
    }

    private Object size(List<Object> a, Global g) {
        if (a.isEmpty()) {
            return tuple(List.of());
        }
        if (a.size() == 1 && (a.get(0) instanceof PyTuple || a.get(0) instanceof PyList)) {
            List<Object> dims = a.get(0) instanceof PyTuple t ? t.items : ((PyList) a.get(0)).items;
            for (Object d : dims) {
                if (!(d instanceof Long)) {
                    throw Messages.invalid(file, "builds " + g.name() + " from " + Py.describe(d) + " at byte " + opStart);
                }
            }
            count(dims.size());
            return tuple(dims);
        }
        throw Messages.invalid(file, "builds " + g.name() + " from " + a.size() + " arguments at byte " + opStart);
    }

    private Object encode(List<Object> a, Global g) {
        // protocol 2 pickles bytes as _codecs.encode(text, 'latin1')
        if (a.size() == 2 && a.get(0) instanceof String text && a.get(1) instanceof String encoding
                && (encoding.equals("latin1") || encoding.equals("latin-1") || encoding.equals("iso-8859-1"))) {
            byte[] b = new byte[text.length()];
            for (int i = 0; i < b.length; i++) {
                char c = text.charAt(i);
                if (c > 0xff) {
                    throw Messages.invalid(file, "encodes a non-latin-1 string as latin-1 at byte " + opStart);
                }
                b[i] = (byte) c;
            }
            return new PyBytes(b);
        }
        throw Messages.unsupported(file, "calls " + g.name() + " with arguments other than (text, 'latin1') at byte " + opStart);
    }

    private Object bytearray(List<Object> a, Global g) {
        if (a.isEmpty()) {
            return new PyBytes(new byte[0]);
        }
        if (a.size() == 1 && a.get(0) instanceof PyBytes b) {
            return new PyBytes(b.bytes);
        }
        throw Messages.unsupported(file, "calls " + g.name() + " with " + Py.describe(a.get(0)) + " at byte " + opStart);
    }

    private Object device(List<Object> a, Global g) {
        if (!a.isEmpty() && a.size() <= 2 && a.get(0) instanceof String) {
            return new Opaque("a device");
        }
        throw Messages.invalid(file, "calls " + g.name() + " with arguments it does not take at byte " + opStart);
    }

    private TorchDtype dtypeArgument(Object o, Global caller) {
        if (o instanceof Global d && d.kind() == Kind.DTYPE) {
            if (d.dtype() == null) {
                throw Messages.unsupported(file, "holds a tensor of dtype " + d.name() + " (byte " + opStart
                        + "), which Modelport does not read");
            }
            return d.dtype();
        }
        throw Messages.invalid(file, "calls " + caller.name() + " with " + Py.describe(o) + " as the dtype at byte " + opStart);
    }

    private void checkRebuildExtras(Global g, Object requiresGrad, Object backwardHooks) {
        if (!(requiresGrad instanceof Boolean)) {
            throw Messages.invalid(file, "calls " + g.name() + " with " + Py.describe(requiresGrad)
                    + " as requires_grad at byte " + opStart);
        }
        if (!(backwardHooks instanceof PyDict)) {
            throw Messages.invalid(file, "calls " + g.name() + " with " + Py.describe(backwardHooks)
                    + " as backward_hooks at byte " + opStart);
        }
    }

    private Object parameter(Object data, Object requiresGrad, Global g) {
        if (!(data instanceof Tensor)) {
            throw Messages.invalid(file, "makes a Parameter of " + Py.describe(data) + " with " + g.name() + " at byte " + opStart);
        }
        if (!(requiresGrad instanceof Boolean)) {
            throw Messages.invalid(file, "calls " + g.name() + " with " + Py.describe(requiresGrad)
                    + " as requires_grad at byte " + opStart);
        }
        return data;
    }

    /** {@code torch._tensor._rebuild_from_type_v2(func, new_type, args, state)}: a plain tensor or parameter only. */
    private Object rebuildFromType(List<Object> a, Global g) {
        arity(g, a, 4, 4);
        if (!(a.get(0) instanceof Global func)) {
            throw Messages.unsafe(file, "its pickle asks " + g.name() + " to call " + Py.describe(a.get(0)) + " at byte " + opStart);
        }
        if (!(a.get(1) instanceof Global type) || (type.kind() != Kind.TENSOR && type.kind() != Kind.PARAMETER)) {
            throw Messages.unsupported(file, "holds a tensor subclass (" + Py.describe(a.get(1)) + ") at byte " + opStart
                    + "; Modelport reads plain tensors only");
        }
        Object state = a.get(3);
        if (!(state == null || state instanceof PyDict d && d.map.isEmpty())) {
            throw Messages.unsupported(file, "holds a tensor with Python attributes at byte " + opStart
                    + "; Modelport reads plain tensors only");
        }
        Object made = call(func, arguments(a.get(2), func));
        if (!(made instanceof Tensor)) {
            throw Messages.invalid(file, "asks " + g.name() + " for a tensor but " + func.name() + " gave "
                    + Py.describe(made) + " at byte " + opStart);
        }
        return made;
    }

    private void newObj() {
        Object args = pop();
        Object cls = pop();
        if (!(cls instanceof Global g)) {
            throw Messages.unsafe(file, "its pickle instantiates " + Py.describe(cls) + " (NEWOBJ at byte " + opStart
                    + "); only allowed classes may be");
        }
        List<Object> a = arguments(args, g);
        Object made = switch (g.kind()) {
            case PARAMETER -> {
                if (a.isEmpty() || a.size() > 2) {
                    throw Messages.invalid(file, "makes a Parameter from " + a.size() + " arguments at byte " + opStart);
                }
                if (!(a.get(0) instanceof Tensor)) {
                    throw Messages.invalid(file, "makes a Parameter of " + Py.describe(a.get(0)) + " at byte " + opStart);
                }
                yield a.get(0);
            }
            case ORDERED_DICT -> new PyDict(DictKind.ORDERED_DICT);
            case COUNTER -> new PyDict(DictKind.COUNTER);
            case SET -> new PySet();
            case SIZE -> size(a, g);
            default -> throw Messages.unsupported(file, "instantiates " + g.name() + " (NEWOBJ at byte " + opStart
                    + "): torch allows it, but a state dict saved by torch.save never needs it");
        };
        push(made);
    }

    private void build() {
        Object state = pop();
        Object inst = peek();
        if (inst instanceof PyDict d && d.kind != DictKind.DICT) {
            // an OrderedDict's or Counter's attributes (a state dict's _metadata): checked for shape, then
            // dropped. torch updates an OrderedDict's __dict__ with a dict; a Counter takes pickle's
            // generic (state, slotstate) form.
            boolean ok = state instanceof PyDict || d.kind == DictKind.COUNTER && (state == null
                    || state instanceof PyTuple t && t.size() == 2 && (t.get(0) == null || t.get(0) instanceof PyDict)
                            && (t.get(1) == null || t.get(1) instanceof PyDict));
            if (!ok) {
                throw Messages.invalid(file, "sets the state of " + Py.describe(inst) + " to " + Py.describe(state)
                        + " at byte " + opStart);
            }
            return;
        }
        if (inst instanceof Tensor) {
            throw Messages.unsupported(file, "sets a tensor's state with BUILD at byte " + opStart
                    + " (the pre-1.0 tensor layout); Modelport does not read it");
        }
        throw Messages.unsafe(file, "its pickle sets the state of " + Py.describe(inst) + " (BUILD at byte " + opStart
                + "); only Tensor, Parameter, OrderedDict and Counter may be built");
    }

    private void persistentId() {
        Object pid = pop();
        if (pid instanceof Long) {
            throw Messages.invalid(file, "has an integer persistent id at byte " + opStart
                    + " (the pre-0.4 tar layout), which is not read");
        }
        if (!(pid instanceof PyTuple t)) {
            throw Messages.unsafe(file, "its pickle loads " + Py.describe(pid) + " as a persistent id (byte " + opStart
                    + "); only storages may be");
        }
        if (t.size() == 0) {
            throw Messages.invalid(file, "has an empty persistent id at byte " + opStart);
        }
        Object type = t.get(0) instanceof PyBytes b ? new String(b.bytes, StandardCharsets.ISO_8859_1) : t.get(0);
        if (!"storage".equals(type)) {
            throw Messages.unsafe(file, "its pickle loads a persistent id of type " + Py.describe(type) + " (byte " + opStart
                    + "); only storages may be");
        }
        push(storages.load(t, "byte " + opStart));
    }

    // ---- tensors

    private Tensor tensor(Object storageArg, TorchDtype explicitDtype, Object offsetArg, Object sizeArg, Object strideArg,
            Object metadata) {
        if (!(storageArg instanceof Storage storage)) {
            throw Messages.invalid(file, "rebuilds a tensor on " + Py.describe(storageArg) + ", not a storage, at byte " + opStart);
        }
        if (metadata != null && !(metadata instanceof PyDict)) {
            throw Messages.invalid(file, "rebuilds a tensor with " + Py.describe(metadata) + " as metadata at byte " + opStart);
        }
        if (metadata instanceof PyDict m) {
            for (Map.Entry<Object, Object> e : m.map.entrySet()) {
                if (!Boolean.FALSE.equals(e.getValue())) {
                    throw Messages.unsupported(file, "holds a tensor with the " + Py.describe(e.getKey()) + " bit set at byte "
                            + opStart + " (a conjugate or negative view); Modelport reads plain tensors only");
                }
            }
        }
        TorchDtype dtype = explicitDtype == null ? storage.dtype : explicitDtype;
        if (!(offsetArg instanceof Long offset) || offset < 0) {
            throw Messages.invalid(file, "rebuilds a tensor at offset " + Py.describe(offsetArg) + " at byte " + opStart);
        }
        long[] size = dims(sizeArg, "size");
        long[] stride = dims(strideArg, "stride");
        if (size.length != stride.length) {
            throw Messages.invalid(file, "rebuilds a tensor with " + size.length + " sizes but " + stride.length
                    + " strides at byte " + opStart);
        }
        long numel = 1;
        long last = offset;
        boolean contiguous = true;
        long expected = 1;
        try {
            for (int i = size.length - 1; i >= 0; i--) {
                numel = Math.multiplyExact(numel, size[i]);
                if (size[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
                if (size[i] != 1 && stride[i] != expected) {
                    contiguous = false;
                }
                expected = Math.multiplyExact(expected, Math.max(size[i], 1));
            }
        } catch (ArithmeticException e) {
            throw Messages.invalid(file, "rebuilds a tensor whose size overflows at byte " + opStart);
        }
        contiguous = contiguous || numel == 0;
        // the storage's length in the tensor's element type (a v3 tensor may view an untyped byte storage)
        long storageBytes = storage.bytes();
        long available = storageBytes / dtype.bytes();
        if (numel > 0 && last >= available) {
            throw Messages.invalid(file, "has a tensor of shape " + java.util.Arrays.toString(size) + " at byte " + opStart
                    + " that reaches element " + last + " of its storage '" + Messages.clean(storage.key) + "', which holds "
                    + available + ": the tensor exceeds its storage");
        }
        if (numel > available) {
            throw Messages.invalid(file, "has a tensor of shape " + java.util.Arrays.toString(size) + " at byte " + opStart
                    + " with more elements than its storage '" + Messages.clean(storage.key) + "' (" + available
                    + "): views that repeat elements are refused");
        }
        return new Tensor(storage, dtype, offset, size, stride, numel, contiguous);
    }

    private long[] dims(Object arg, String what) {
        List<Object> items = arg instanceof PyTuple t ? t.items : arg instanceof PyList l ? l.items : null;
        if (items == null) {
            throw Messages.invalid(file, "rebuilds a tensor with " + Py.describe(arg) + " as its " + what + " at byte " + opStart);
        }
        if (items.size() > limits.maxDims()) {
            throw Messages.invalid(file, "rebuilds a tensor with " + items.size() + " dimensions at byte " + opStart
                    + ", over the limit of " + limits.maxDims());
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long v) || v < 0) {
                throw Messages.invalid(file, "rebuilds a tensor with " + Py.describe(items.get(i)) + " in its " + what
                        + " at byte " + opStart);
            }
            out[i] = v;
        }
        return out;
    }
}
