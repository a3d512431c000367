package dev.modelport.runtime.script;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.safetensors.SafetensorsDtype;
import dev.modelport.runtime.safetensors.TensorInfo;
import dev.modelport.runtime.weights.WeightSource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hands a checkpoint's tensors to a program once, at load: {@code begin(dtype, device, table)},
 * then {@code put(...)} in batches of at most {@link #BATCH_BYTES} of file bytes. Each tensor is a
 * zero-copy view of the memory-mapped file (F32 and F16 as they are, BF16 as raw bytes the program
 * decodes through a table of all bfloat16 values; a copy only where a PyTorch pickle stores a tensor
 * as a strided view or at an unaligned offset); the program converts it to the compute dtype on
 * its device and keeps its own copy, so the mapping can go as soon as the hand-off ends. Batches
 * bound the memory the conversions need beyond the resident weights.
 */
public final class WeightHandOff {

    /** One tensor to hand over: the name the program asks for and where its bytes are. */
    public record Weight(String name, WeightSource file, TensorInfo info) {
    }

    static final long BATCH_BYTES = 256L << 20;
    /** Tensors larger than this go over in row blocks (a Java buffer is int-indexed). */
    static final long PIECE_BYTES = 1L << 30;
    private static final long KIND_PLAIN = 0;
    private static final long KIND_BF16_BYTES = 1;

    private WeightHandOff() {
    }

    /**
     * @param dtypeCode the compute dtype as a c10::ScalarType code
     * @param device {@code cpu} or {@code cuda:N}
     */
    public static void handOff(ScriptProgram program, List<Weight> weights, int dtypeCode, String device) {
        try {
            transfer(program, weights, dtypeCode, device);
        } catch (ModelportException e) {
            throw new ModelportException(ErrorCode.LOAD_FAILED, "handing the weights to the program failed: " + e.getMessage(),
                    e.getCause());
        }
    }

    private static void transfer(ScriptProgram program, List<Weight> weights, int dtypeCode, String device) {
        try (PtNDManager scratch = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            try (PtNDArray table = (PtNDArray) scratch.create(bfloat16Table());
                    IValue code = IValue.from(dtypeCode); IValue dev = IValue.from(device); IValue t = IValue.from(table)) {
                program.run("begin", new IValue[] {code, dev, t}, r -> null, true);
            }
            List<Piece> batch = new ArrayList<>();
            long batchBytes = 0;
            for (Weight w : weights) {
                for (Piece piece : pieces(w)) {
                    if (!batch.isEmpty() && batchBytes + piece.bytes() > BATCH_BYTES) {
                        put(program, scratch, batch);
                        batch.clear();
                        batchBytes = 0;
                    }
                    batch.add(piece);
                    batchBytes += piece.bytes();
                }
            }
            if (!batch.isEmpty()) {
                put(program, scratch, batch);
            }
        }
    }

    /** A block of rows of a tensor (the whole tensor when it is small enough). */
    private record Piece(Weight weight, long offset, long bytes, long[] shape) {
    }

    private static List<Piece> pieces(Weight w) {
        TensorInfo info = w.info();
        long total = info.byteSize();
        if (total <= PIECE_BYTES || info.shape().length == 0 || info.shape()[0] <= 1) {
            return List.of(new Piece(w, 0, total, info.shape()));
        }
        long rows = info.shape()[0];
        long rowBytes = total / rows;
        long rowsPerPiece = Math.max(1, PIECE_BYTES / rowBytes);
        List<Piece> pieces = new ArrayList<>();
        for (long first = 0; first < rows; first += rowsPerPiece) {
            long n = Math.min(rowsPerPiece, rows - first);
            long[] shape = info.shape().clone();
            shape[0] = n;
            pieces.add(new Piece(w, first * rowBytes, n * rowBytes, shape));
        }
        return pieces;
    }

    private static void put(ScriptProgram program, PtNDManager scratch, List<Piece> batch) {
        try (NDManager work = scratch.newSubManager()) {
            List<IValue> made = new ArrayList<>();
            try {
                IValue[] names = new IValue[batch.size()];
                PtNDArray[] raws = new PtNDArray[batch.size()];
                long[] kinds = new long[batch.size()];
                IValue[] shapes = new IValue[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    Piece p = batch.get(i);
                    ByteBuffer bytes = p.weight().file().slice(p.weight().info(), p.offset(), p.bytes());
                    SafetensorsDtype type = SafetensorsDtype.of(p.weight().info().dtype());
                    names[i] = keep(made, IValue.from(p.weight().name()));
                    shapes[i] = keep(made, IValue.listFrom(p.shape()));
                    kinds[i] = type == SafetensorsDtype.BF16 ? KIND_BF16_BYTES : KIND_PLAIN;
                    raws[i] = (PtNDArray) switch (type) {
                        case F32 -> work.create(bytes, new Shape(p.shape()), DataType.FLOAT32);
                        case F16 -> work.create(bytes, new Shape(p.shape()), DataType.FLOAT16);
                        case BF16 -> work.create(bytes, new Shape(p.bytes()), DataType.UINT8);
                    };
                }
                IValue[] args = {keep(made, IValue.listFrom(names)), keep(made, IValue.listFrom(raws)),
                        keep(made, IValue.listFrom(kinds)), keep(made, IValue.listFrom(shapes))};
                program.run("put", args, r -> null, true);
            } finally {
                made.forEach(IValue::close);
            }
        }
    }

    private static IValue keep(List<IValue> made, IValue value) {
        made.add(value);
        return value;
    }

    /** float32 values of every bfloat16 bit pattern: bfloat16 is the top half of a float32. */
    static float[] bfloat16Table() {
        float[] table = new float[1 << 16];
        for (int bits = 0; bits < table.length; bits++) {
            table[bits] = Float.intBitsToFloat(bits << 16);
        }
        return table;
    }

    /** Bytes of the checkpoint's tensors at a compute dtype of {@code bytesPerElement}. */
    public static long residentBytes(List<Weight> weights, int bytesPerElement) {
        return weights.stream().mapToLong(w -> Arrays.stream(w.info().shape()).reduce(1, (a, b) -> a * b) * bytesPerElement).sum();
    }
}
