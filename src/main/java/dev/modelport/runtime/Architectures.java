package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.bart.BartFamily;
import dev.modelport.runtime.bert.BertFamily;
import dev.modelport.runtime.deberta.DebertaV2Family;
import dev.modelport.runtime.distilbert.DistilBertFamily;
import dev.modelport.runtime.gemma.GemmaFamily;
import dev.modelport.runtime.gpt2.Gpt2Family;
import dev.modelport.runtime.llama.LlamaFamily;
import dev.modelport.runtime.modernbert.ModernBertFamily;
import dev.modelport.runtime.mpnet.MpnetFamily;
import dev.modelport.runtime.phi3.Phi3Family;
import dev.modelport.runtime.t5.T5Family;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The registry of architectures, keyed by the name config.json's {@code architectures} gives. */
public final class Architectures {

    private static final Map<String, Architecture> BY_NAME = Stream
            .of(BertFamily.architectures(), DistilBertFamily.architectures(), Gpt2Family.architectures(),
                    LlamaFamily.architectures(), GemmaFamily.architectures(), Phi3Family.architectures(),
                    MpnetFamily.architectures(), ModernBertFamily.architectures(), DebertaV2Family.architectures(),
                    T5Family.architectures(), BartFamily.architectures())
            .flatMap(List::stream)
            .collect(Collectors.toMap(Architecture::name, Function.identity(), (a, b) -> a, TreeMap::new));

    /** Architectures people ask for that are refused with more to say than the list of supported ones. */
    private static final Map<String, String> REFUSALS = Map.of(
            "Gemma3ForConditionalGeneration", "the multimodal (image and text) Gemma 3 is not supported; text-only Gemma 3"
                    + " checkpoints are (Gemma3ForCausalLM, model_type gemma3_text, e.g. google/gemma-3-1b-it)");

    /**
     * Architectures whose repos on the Hub ship their own modeling code ({@code auto_map}) although
     * transformers has the same class natively and runs them with it unless asked to trust remote
     * code: Microsoft's Phi-3, Phi-3.5 and Phi-4-mini repos (model_type {@code phi3}) carry the
     * modeling_phi3.py that became transformers' Phi3ForCausalLM. Their auto_map is ignored, as
     * transformers ignores it; any other auto_map is refused (e.g. a {@code bert} config whose code is
     * a different model).
     */
    private static final Map<String, String> NATIVE_DESPITE_REPO_CODE = Map.of("Phi3ForCausalLM", "phi3");

    private Architectures() {
    }

    /** Whether a config naming {@code name} and {@code modelType} with an {@code auto_map} still runs natively. */
    public static boolean runsNativelyDespiteRepoCode(String name, String modelType) {
        return modelType != null && modelType.equals(NATIVE_DESPITE_REPO_CODE.get(name));
    }

    /** The architecture registered under {@code name}, if any. */
    public static Optional<Architecture> find(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
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
        if (autoMap && !runsNativelyDespiteRepoCode(name, modelType)) {
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
            String why = REFUSALS.containsKey(name) ? ": " + REFUSALS.get(name) : "";
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE,
                    "architecture " + name + " is not supported" + why + "; supported: " + String.join(", ", supported()));
        }
        return a;
    }
}
