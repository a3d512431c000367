package dev.modelport.runtime.script;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.FloatTensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A TorchScript program loaded by DJL's PyTorch engine, and its calls. Every call converts its
 * arguments in a manager of its own, freed when the call returns; a program error (a failed
 * assertion, a shape the maths rejects) comes back as a {@link ModelportException} naming the
 * cause, never as a crash. Calls may run concurrently: the program's methods only read its state,
 * except through objects a call owns (a generation's cache).
 */
public final class ScriptProgram implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScriptProgram.class);
    /** Python exception names a program's message may still start with. */
    private static final Pattern ERROR_PREFIX = Pattern.compile("^(\\w+(Error|Exception): )+");

    private final String name;
    private final Device device;
    private final PtNDManager manager;
    private final PtSymbolBlock module;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ScriptProgram(String name, Device device, PtNDManager manager, PtSymbolBlock module) {
        this.name = name;
        this.device = device;
        this.manager = manager;
        this.module = module;
    }

    /**
     * Compiles the archive on the device. The engine must have been started.
     *
     * @param name how errors name the program, e.g. {@code BertForSequenceClassification}
     */
    public static ScriptProgram load(String name, byte[] archive, Device device) {
        PtNDManager manager = (PtNDManager) NDManager.newBaseManager(device, "PyTorch");
        manager.setName("program:" + name);
        try {
            PtSymbolBlock module = JniUtils.loadModule(manager, new ByteArrayInputStream(archive), true, false);
            return new ScriptProgram(name, device, manager, module);
        } catch (EngineException | IOException e) {
            manager.close();
            LOG.errorf(e, "the %s program did not compile", name);
            throw new ModelportException(ErrorCode.LOAD_FAILED,
                    "the " + name + " program did not compile: " + cause(e.getMessage()), e);
        }
    }

    public String name() {
        return name;
    }

    public Device device() {
        return device;
    }

    /** A call whose result is a float32 tensor, copied into Java. */
    public FloatTensor floats(String method, ScriptArg... args) {
        return call(method, args, result -> {
            try (PtNDArray out = result.toTensor(manager)) {
                if (out.getDataType() != DataType.FLOAT32) {
                    // never read it: reading a bfloat16 tensor in DJL would abort the JVM
                    throw new ModelportException(ErrorCode.INTERNAL_ERROR,
                            "the " + name + " program's " + method + " returned a tensor that is not float32");
                }
                return new FloatTensor(out.toFloatArray(), out.getShape().getShape());
            }
        });
    }

    /** A call whose result is an int. */
    public long number(String method, ScriptArg... args) {
        return call(method, args, IValue::toLong);
    }

    /** A call that sets the program up (builds the model): its failure fails the load. */
    public void setUp(String method, ScriptArg... args) {
        try {
            call(method, args, result -> null);
        } catch (ModelportException e) {
            throw new ModelportException(ErrorCode.LOAD_FAILED, e.getMessage(), e.getCause());
        }
    }

    /** A call whose result is an object of the program's, kept opaque. */
    public ScriptHandle handle(String method, ScriptArg... args) {
        return new ScriptHandle(call(method, args, result -> result, false));
    }

    private <T> T call(String method, ScriptArg[] args, Function<IValue, T> read) {
        return call(method, args, read, true);
    }

    private <T> T call(String method, ScriptArg[] args, Function<IValue, T> read, boolean closeResult) {
        checkOpen();
        try (PtNDManager work = (PtNDManager) manager.newSubManager()) {
            List<IValue> inputs = new ArrayList<>(args.length);
            try {
                for (ScriptArg arg : args) {
                    inputs.add(toValue(work, arg));
                }
                return run(method, inputs.toArray(IValue[]::new), read, closeResult);
            } finally {
                // handles belong to their owners: only the values made here are freed here
                for (int i = 0; i < inputs.size(); i++) {
                    if (!(args[i] instanceof ScriptArg.Handle)) {
                        inputs.get(i).close();
                    }
                }
            }
        }
    }

    /** Runs a method on values the caller made (the weight hand-off); the caller frees them. */
    <T> T run(String method, IValue[] inputs, Function<IValue, T> read, boolean closeResult) {
        checkOpen();
        IValue result;
        try {
            result = IValueUtils.runMethod(module, method, inputs);
        } catch (EngineException e) {
            LOG.debugf(e, "%s.%s failed", name, method);
            throw new ModelportException(ErrorCode.MODEL_ERROR,
                    "the " + name + " program failed in " + method + ": " + cause(e.getMessage()), e);
        }
        try {
            return read.apply(result);
        } finally {
            if (closeResult) {
                result.close();
            }
        }
    }

    private static IValue toValue(PtNDManager work, ScriptArg arg) {
        return switch (arg) {
            case ScriptArg.Ids ids -> IValue.from((PtNDArray) work.create(ids.rows()));
            case ScriptArg.IdRow row -> IValue.from((PtNDArray) work.create(row.ids()));
            case ScriptArg.Floats f -> IValue.from((PtNDArray) work.create(f.values(), new Shape(f.shape())));
            case ScriptArg.Int i -> IValue.from(i.value());
            case ScriptArg.Str s -> IValue.from(s.value());
            case ScriptArg.Strings s -> strings(s.values());
            case ScriptArg.Handle h -> h.handle().value();
            case ScriptArg.Handles h -> IValue.listFrom(h.handles().stream().map(ScriptHandle::value).toArray(IValue[]::new));
        };
    }

    private static IValue strings(Map<String, String> values) {
        Map<String, IValue> entries = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> entries.put(k, IValue.from(v)));
        try {
            return IValue.stringIValueMapFrom(entries);
        } finally {
            entries.values().forEach(IValue::close);
        }
    }

    /** The engine's message without the TorchScript traceback: its last "Error:" line. */
    static String cause(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        String[] lines = message.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            int at = line.indexOf("Error: ");
            if (at >= 0 && !line.startsWith("File ")) {
                // "RuntimeError: AssertionError: n must be positive" -> "n must be positive"
                return ERROR_PREFIX.matcher(line.substring(at + "Error: ".length()).strip()).replaceFirst("");
            }
        }
        return lines[0].strip();
    }

    PtNDManager manager() {
        return manager;
    }

    /** Arrays Java still holds in this program's manager (none between calls): for leak checks. */
    public int liveArrays() {
        return manager.getManagedArrays().size();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "the " + name + " program was unloaded");
        }
    }

    /** Frees the program and with it every tensor it holds (the weights). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            module.close();
            manager.close();
        }
    }
}
