package dev.modelport.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.nn.EncoderNetwork;

/**
 * An encoder built from safetensors. Its weights live in one manager; each call works in a
 * sub-manager of the caller's manager and hands back only the result, so a request's intermediates
 * are freed before it returns and the weights' manager never grows.
 */
final class EncoderModel extends WeightsOnDevice implements LoadedModel {

    private final EncoderNetwork network;

    EncoderModel(ModelSpec spec, String device, String dtype, NDManager weights, EncoderNetwork network, long memoryBytes) {
        super(spec, device, dtype, weights, memoryBytes);
        this.network = network;
    }

    @Override
    public NDArray forward(NDManager manager, EncoderBatch batch) {
        return run(manager, batch, true);
    }

    @Override
    public NDArray hiddenStates(NDManager manager, EncoderBatch batch) {
        return run(manager, batch, false);
    }

    private NDArray run(NDManager manager, EncoderBatch batch, boolean withHead) {
        EncoderBatch checked = BatchCheck.check(batch);
        try (NDManager work = manager.newSubManager()) {
            NDArray hidden = network.hiddenStates(work, checked);
            NDArray out = (withHead ? network.headOutput(hidden) : hidden).toType(DataType.FLOAT32, false);
            out.attach(manager);
            return out;
        } catch (ModelportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the forward pass failed: " + e.getMessage(), e);
        }
    }

}
