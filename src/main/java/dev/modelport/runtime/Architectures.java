package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.bert.BertFamily;
import dev.modelport.runtime.deberta.DebertaV2Family;
import dev.modelport.runtime.distilbert.DistilBertFamily;
import dev.modelport.runtime.gpt2.Gpt2Family;
import dev.modelport.runtime.llama.LlamaFamily;
import dev.modelport.runtime.modernbert.ModernBertFamily;
import dev.modelport.runtime.mpnet.MpnetFamily;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The registry of architectures, keyed by the name config.json's {@code architectures} gives. */
public final class Architectures {

    private static final Map<String, Architecture> BY_NAME = Stream
            .of(BertFamily.architectures(), DistilBertFamily.architectures(), Gpt2Family.architectures(),
                    LlamaFamily.architectures(), MpnetFamily.architectures(), ModernBertFamily.architectures(),
                    DebertaV2Family.architectures())
            .flatMap(List::stream)
            .collect(Collectors.toMap(Architecture::name, Function.identity(), (a, b) -> a, TreeMap::new));

    private Architectures() {
    }

    public static List<String> supported() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The config {@code model_type} values of every supported architecture, sorted: the families, in short. */
    public static List<String> modelTypes() {
        return BY_NAME.values().stream().flatMap(a -> a.modelTypes().stream()).distinct().sorted().toList();
    }

    /**
     * The architecture config.json names, checked as {@link ModelRuntime#inspect} checks it before reading
     * anything else: a name we run, no {@code auto_map} (the repo's own code), a matching {@code model_type}.
     * Throws UNSUPPORTED_ARCHITECTURE naming what is wrong.
     *
     * @param modelType config.json's model_type, or null/empty when it has none
     */
    public static Architecture check(String name, String modelType, boolean autoMap) {
        if (autoMap) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "architecture " + name
                    + " needs the repo's own Python code (auto_map / trust_remote_code), which is never run here; supported: "
                    + String.join(", ", supported()));
        }
        Architecture architecture = require(name);
        if (modelType != null && !modelType.isEmpty() && !architecture.modelTypes().contains(modelType)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "architecture " + name
                    + " with model_type '" + modelType + "' is not supported; expected model_type " + architecture.modelTypes());
        }
        return architecture;
    }

    public static Architecture require(String name) {
        Architecture a = BY_NAME.get(name);
        if (a == null) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE,
                    "architecture " + name + " is not supported; supported: " + String.join(", ", supported()));
        }
        return a;
    }
}
