package dev.modelport.runtime;

import dev.modelport.runtime.gpt2.Gpt2Config;
import dev.modelport.runtime.gpt2.Gpt2Model;
import dev.modelport.runtime.llama.LlamaConfig;
import dev.modelport.runtime.llama.LlamaModel;
import dev.modelport.runtime.decoder.RotaryEmbedding;
import java.util.List;
import java.util.Set;

/** The causal language models the runtime builds: GPT-2 and the Llama family. */
final class DecoderFamilies {

    private DecoderFamilies() {
    }

    static List<Architecture> architectures() {
        return List.of(
                Architecture.decoder("GPT2LMHeadModel", Set.of("gpt2"), Gpt2Config::from, Gpt2Model::load),
                llama("LlamaForCausalLM", "llama", false),
                llama("MistralForCausalLM", "mistral", false),
                llama("Qwen2ForCausalLM", "qwen2", true));
    }

    private static Architecture llama(String name, String modelType, boolean qwen2) {
        return Architecture.decoder(name, Set.of(modelType), c -> {
            LlamaConfig config = LlamaConfig.from(c, qwen2);
            RotaryEmbedding.of(c, config.headDim());
        }, (w, c) -> LlamaModel.load(w, c, qwen2));
    }
}
