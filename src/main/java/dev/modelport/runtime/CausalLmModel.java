package dev.modelport.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.decoder.DecoderNetwork;
import dev.modelport.runtime.decoder.KvCache;

/**
 * A decoder built from safetensors. As with {@link EncoderModel}, the weights live in one manager and
 * every call works in a sub-manager of the caller's, handing back only its result; a generation's
 * {@link KvCache} lives in the generation's manager and goes with it.
 */
final class CausalLmModel extends WeightsOnDevice implements DecoderModel {

    private final DecoderNetwork network;

    CausalLmModel(ModelSpec spec, String device, String dtype, NDManager weights, DecoderNetwork network, long memoryBytes) {
        super(spec, device, dtype, weights, memoryBytes);
        this.network = network;
    }

    @Override
    public int vocabSize() {
        return network.vocabSize();
    }

    @Override
    public int contextLength() {
        return network.contextLength();
    }

    @Override
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, network.layers(), network.contextLength());
    }

    @Override
    public float[] nextLogits(NDManager manager, KvCache cache, long[] ids) {
        checkIds(ids);
        try (NDManager work = manager.newSubManager()) {
            NDArray hidden = network.hidden(work, ids, cache);
            NDArray last = hidden.get(work, 0, ids.length - 1);
            return network.lmHead(last).toType(DataType.FLOAT32, false).toFloatArray();
        } catch (ModelportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the decoder step failed: " + e.getMessage(), e);
        }
    }

    @Override
    public float[][] nextLogitsRows(KvCache[] caches, long[] tokens) {
        if (caches.length != tokens.length || tokens.length == 0) {
            throw new IllegalArgumentException("one token per cache");
        }
        try (NDManager work = newManager()) {
            NDArray hidden = network.hiddenStep(work, tokens, caches);
            float[] flat = network.lmHead(hidden.reshape(tokens.length, hidden.getShape().get(2)))
                    .toType(DataType.FLOAT32, false).toFloatArray();
            int v = flat.length / tokens.length;
            float[][] rows = new float[tokens.length][];
            for (int b = 0; b < tokens.length; b++) {
                rows[b] = java.util.Arrays.copyOfRange(flat, b * v, (b + 1) * v);
            }
            return rows;
        } catch (ModelportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the decoder step failed: " + e.getMessage(), e);
        }
    }

    @Override
    public NDArray logits(NDManager manager, long[] ids) {
        checkIds(ids);
        try (NDManager work = manager.newSubManager()) {
            NDArray out = network.lmHead(network.hidden(work, ids, null).get(work, 0)).toType(DataType.FLOAT32, false);
            out.attach(manager);
            return out;
        }
    }

    private static void checkIds(long[] ids) {
        if (ids == null || ids.length == 0) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "the input has no tokens");
        }
    }

    /** Causal-LM logits {@code [B,T,V]}; each row runs alone over its real (mask 1) tokens, padding gets zeros. */
    @Override
    public NDArray forward(NDManager manager, EncoderBatch batch) {
        return perRow(manager, batch, true);
    }

    @Override
    public NDArray hiddenStates(NDManager manager, EncoderBatch batch) {
        return perRow(manager, batch, false);
    }

    private NDArray perRow(NDManager manager, EncoderBatch batch, boolean withHead) {
        EncoderBatch checked = BatchCheck.check(batch);
        int t = checked.sequenceLength();
        try (NDManager work = manager.newSubManager()) {
            NDList rows = new NDList();
            for (int b = 0; b < checked.batchSize(); b++) {
                int real = 0;
                while (real < t && checked.attentionMask()[b][real] != 0) {
                    real++;
                }
                long[] ids = java.util.Arrays.copyOf(checked.inputIds()[b], real);
                NDArray h = network.hidden(work, ids, null).get(work, 0);
                NDArray out = (withHead ? network.lmHead(h) : h).toType(DataType.FLOAT32, false);
                if (real < t) {
                    out = NDArrays.concat(new NDList(out, work.zeros(new ai.djl.ndarray.types.Shape(t - real,
                            out.getShape().get(1)))), 0);
                }
                rows.add(out);
            }
            NDArray stacked = NDArrays.stack(rows, 0);
            stacked.attach(manager);
            return stacked;
        }
    }

}
