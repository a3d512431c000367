package dev.modelport.runtime;

import ai.djl.Device;
import ai.djl.ModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A TorchScript export ({@code *.pt}) run through DJL's TorchScript path. It is fed
 * {@code (input_ids, attention_mask[, token_type_ids])} as int64 tensors and its first output is
 * the head's output. It runs at the precision it was exported in.
 */
final class TorchScriptModel implements EncoderModel {

    private final ModelSpec spec;
    private final Device device;
    private final ZooModel<NDList, NDList> model;
    private final long memoryBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once an export turns out to take (input_ids, attention_mask) only, as many traces do. */
    private volatile boolean twoInputs;

    private TorchScriptModel(ModelSpec spec, Device device, ZooModel<NDList, NDList> model, long memoryBytes) {
        this.spec = spec;
        this.device = device;
        this.model = model;
        this.memoryBytes = memoryBytes;
    }

    /** The top-level {@code *.pt} of a snapshot, if it has exactly one. */
    static Optional<Path> find(Path snapshotDir) {
        try (Stream<Path> files = Files.list(snapshotDir)) {
            var found = files.filter(p -> p.getFileName().toString().endsWith(".pt") && Files.isRegularFile(p)).toList();
            if (found.size() > 1) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                        "the snapshot has several TorchScript files; expected one");
            }
            return found.stream().findFirst();
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.LOAD_FAILED, "the model folder cannot be listed: " + e.getMessage(), e);
        }
    }

    static TorchScriptModel load(Path file, ModelSpec spec, Device device) {
        try {
            Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(file).optEngine(TorchEngine.NAME).optDevice(device)
                    .optTranslator(new NoopTranslator()).build();
            return new TorchScriptModel(spec, device, criteria.loadModel(), Files.size(file));
        } catch (ModelException | IOException | RuntimeException e) {
            throw new ModelportException(ErrorCode.LOAD_FAILED,
                    "the TorchScript file " + file.getFileName() + " could not be loaded: " + e.getMessage(), e);
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String device() {
        return DeviceSelection.id(device);
    }

    @Override
    public String dtype() {
        return "float32";
    }

    @Override
    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public FloatTensor forward(EncoderBatch batch) {
        EncoderBatch checked = InputCheck.check(batch, spec.facts());
        try (NDManager work = model.getNDManager().newSubManager(device)) {
            NDList outputs;
            if (!spec.facts().usesTokenTypes() || twoInputs) {
                outputs = run(work, checked, false);
            } else {
                try {
                    outputs = run(work, checked, true);
                } catch (EngineException e) {
                    if (!String.valueOf(e.getMessage()).contains("argument")) {
                        throw e;
                    }
                    twoInputs = true;
                    outputs = run(work, checked, false);
                }
            }
            NDArray out = outputs.get(0).toType(DataType.FLOAT32, false);
            return new FloatTensor(out.toFloatArray(), out.getShape().getShape());
        } catch (ModelportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the TorchScript forward pass failed: " + e.getMessage(), e);
        }
    }

    private NDList run(NDManager work, EncoderBatch batch, boolean withTypes) {
        NDList inputs = new NDList(work.create(batch.inputIds()), work.create(batch.attentionMask()));
        if (withTypes && spec.facts().usesTokenTypes()) {
            inputs.add(work.create(batch.tokenTypeIds()));
        }
        return model.getBlock().forward(new ParameterStore(work, false), inputs, false);
    }

    /** The head's output at one position per row, taken from the whole output. */
    @Override
    public FloatTensor forwardAt(EncoderBatch batch, int[] positions) {
        FloatTensor all = forward(batch);
        if (all.shape().length != 3) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "the TorchScript export has no per-token output");
        }
        int c = all.dim(2);
        float[] picked = new float[positions.length * c];
        for (int b = 0; b < positions.length; b++) {
            System.arraycopy(all.row(b, positions[b]), 0, picked, b * c, c);
        }
        return new FloatTensor(picked, new long[] {positions.length, c});
    }

    /** A TorchScript export gives its head's output only; for a base model that is the last hidden state. */
    @Override
    public FloatTensor hiddenStates(EncoderBatch batch) {
        if (spec.head() != Head.BASE) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK,
                    "a TorchScript " + spec.architecture() + " gives only its head's output, not hidden states");
        }
        return forward(batch);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.close();
        }
    }
}
