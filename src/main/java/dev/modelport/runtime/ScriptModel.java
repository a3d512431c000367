package dev.modelport.runtime;

import dev.modelport.runtime.precision.DtypePolicy;
import dev.modelport.runtime.script.ScriptProgram;

/** What every model run by a program holds: its spec, device, dtype choice, memory and the program. */
abstract class ScriptModel implements LoadedModel {

    protected final ScriptProgram program;
    private final ModelSpec spec;
    private final String device;
    private final DtypePolicy.Choice dtype;
    private final long memoryBytes;

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
    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public void close() {
        program.close();
    }
}
