package dev.modelport.runtime.bert;

import dev.modelport.runtime.TensorPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a base-model tensor is stored: under the head checkpoint's prefix ({@code bert.}), or
 * without it in a bare {@code BertModel} save; LayerNorm parameters also under the TensorFlow-era
 * names {@code gamma} / {@code beta} that bert-base-uncased still carries (transformers renames
 * them on load the same way). The program always asks for the prefixed, modern name.
 */
final class Names {

    private final String prefix;
    private final boolean prefixed;

    Names(String prefix, Set<String> checkpointNames) {
        this.prefix = prefix;
        this.prefixed = checkpointNames.stream().anyMatch(n -> n.startsWith(prefix + "."));
    }

    /** The stored names a base-model key may have, most likely first. */
    List<String> stored(String key) {
        return withLegacy(prefixed ? prefix + "." + key : key);
    }

    String storedPrefix(String module) {
        return prefixed ? prefix + "." + module : module;
    }

    void linear(TensorPlan.Builder plan, String module, long out, long in) {
        plan.expectStored(prefix + "." + module + ".weight", stored(module + ".weight"), out, in);
        plan.expectStored(prefix + "." + module + ".bias", stored(module + ".bias"), out);
    }

    void layerNorm(TensorPlan.Builder plan, String module, long width) {
        plan.expectStored(prefix + "." + module + ".weight", stored(module + ".weight"), width);
        plan.expectStored(prefix + "." + module + ".bias", stored(module + ".bias"), width);
    }

    static List<String> withLegacy(String name) {
        List<String> names = new ArrayList<>(List.of(name));
        if (name.endsWith("LayerNorm.weight") || name.endsWith("layer_norm.weight")) {
            names.add(name.substring(0, name.length() - "weight".length()) + "gamma");
        } else if (name.endsWith("LayerNorm.bias") || name.endsWith("layer_norm.bias")) {
            names.add(name.substring(0, name.length() - "bias".length()) + "beta");
        }
        return names;
    }
}
