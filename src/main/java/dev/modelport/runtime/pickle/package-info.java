/**
 * PyTorch pickle checkpoints ({@code pytorch_model.bin} and its shards) read without running them:
 * a pickle machine that accepts exactly what {@code torch.load(weights_only=True)} accepts
 * ({@link dev.modelport.runtime.pickle.WeightsUnpickler}, {@link dev.modelport.runtime.pickle.AllowedGlobals}),
 * torch.save's zip archive and legacy layout ({@link dev.modelport.runtime.pickle.TorchPickleFile},
 * {@link dev.modelport.runtime.pickle.TorchZip}), under the bounds of
 * {@link dev.modelport.runtime.pickle.PickleLimits}. Anything outside the allow-list is refused as
 * {@code UNSAFE_WEIGHTS}, a malformed file as {@code INVALID_CHECKPOINT}.
 */
package dev.modelport.runtime.pickle;
