package dev.modelport.runtime;

import java.util.List;
import java.util.Set;

/**
 * Where a base model's tensors are stored: under the head checkpoint's prefix ({@code mpnet.},
 * {@code model.}, {@code deberta.}: transformers' {@code base_model_prefix}), or without it in a bare
 * base-model save. Programs always ask for the prefixed name.
 */
public final class BaseKeys {
    private final String prefix;
    private final boolean prefixed;

    public BaseKeys(String prefix, Set<String> checkpointNames) {
        this.prefix = prefix;
        this.prefixed = checkpointNames.stream().anyMatch(n -> n.startsWith(prefix + "."));
    }

    /** Whether the checkpoint keeps the base model under the prefix. */
    public boolean prefixed() {
        return prefixed;
    }

    /** A base-model tensor: asked for as {@code prefix.key}, stored with or without the prefix. */
    public TensorPlan.Builder expect(TensorPlan.Builder plan, String key, long... shape) {
        return plan.expectStored(prefix + "." + key, List.of(stored(key)), shape);
    }

    public String stored(String key) {
        return prefixed ? prefix + "." + key : key;
    }

    public TensorPlan.Builder linear(TensorPlan.Builder plan, String module, boolean bias, long out, long in) {
        expect(plan, module + ".weight", out, in);
        return bias ? expect(plan, module + ".bias", out) : plan;
    }

    public TensorPlan.Builder norm(TensorPlan.Builder plan, String module, boolean bias, long width) {
        expect(plan, module + ".weight", width);
        return bias ? expect(plan, module + ".bias", width) : plan;
    }

    /** The stored prefix of a base-model module, for {@link TensorPlan.Builder#owns}. */
    public String owned(String module) {
        return stored(module);
    }
}
