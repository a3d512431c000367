package dev.modelport.runtime;

import dev.modelport.runtime.precision.ComputeDtype;
import dev.modelport.runtime.precision.DtypePolicy;
import dev.modelport.runtime.script.ScriptArg;
import dev.modelport.runtime.script.ScriptProgram;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** What every model run by a program holds: its spec, device, dtype choice, memory and the program. */
abstract class ScriptModel implements LoadedModel {

    protected final ScriptProgram program;
    private final ModelSpec spec;
    private final String device;
    private final DtypePolicy.Choice dtype;
    private final long memoryBytes;
    private volatile QuantizationError quantizationError;

    ScriptModel(ScriptProgram program, ModelSpec spec, String device, DtypePolicy.Choice dtype, long memoryBytes) {
        this.program = program;
        this.spec = spec;
        this.device = device;
        this.dtype = dtype;
        this.memoryBytes = memoryBytes;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public String dtype() {
        return dtype.dtype().wireName();
    }

    @Override
    public String dtypeReason() {
        return dtype.reason();
    }

    @Override
    public Optional<QuantizationError> quantizationError() {
        return Optional.ofNullable(quantizationError);
    }

    /**
     * int8 only: {@code run} on the float32 reference weights, then on int8; the comparison (of the
     * rows {@code keepRows} picks from the output, null = all) is kept, and the reference weights
     * are dropped whatever happens.
     */
    protected Optional<QuantizationError> compareWithFloat32(Supplier<FloatTensor> run,
            Function<FloatTensor, boolean[]> keepRows) {
        if (dtype.dtype() != ComputeDtype.INT8) {
            return Optional.empty();
        }
        try {
            program.number("reference", ScriptArg.of(1));
            FloatTensor reference;
            try {
                reference = run.get();
            } finally {
                program.number("reference", ScriptArg.of(0));
            }
            quantizationError = QuantizationError.between(reference, run.get(), keepRows.apply(reference));
            return Optional.of(quantizationError);
        } finally {
            program.number("reference", ScriptArg.of(-1));
        }
    }

    @Override
    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public void close() {
        program.close();
    }
}
