package dev.modelport.runtime.t5;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.ConfigReader;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelFacts;
import dev.modelport.runtime.ModelFamily;
import dev.modelport.runtime.ProgramConfig;
import dev.modelport.runtime.ProgramKind;
import dev.modelport.runtime.TensorPlan;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * T5ForConditionalGeneration (programs/t5.py): t5-small/base/large, t5 v1.1, flan-t5. Defaults are
 * those of transformers' T5Config. {@code feed_forward_proj} is {@code ACT} or {@code gated-ACT}
 * ({@code gated-gelu} means gelu_new, as transformers reads it). The LM head is the shared embedding
 * when {@code tie_word_embeddings} (default true), else {@code lm_head.weight}; the decoder output is
 * scaled by d_model ** -0.5 when {@code scale_decoder_outputs} says so (transformers 5 writes it),
 * else when the embeddings are tied (transformers 4's rule, which transformers 5 keeps for configs
 * without the field). Copies of the shared embedding stored as {@code encoder.embed_tokens} /
 * {@code decoder.embed_tokens} (and a tied {@code lm_head.weight}) are tolerated, not read: every
 * checkpoint transformers saved holds them equal.
 *
 * <p>T5's positions are relative, so no table bounds its inputs; Modelport takes up to
 * {@link #MAX_TOKENS} tokens in and out (the tokenizer's model_max_length, usually 512, is where the
 * {@code truncation} parameter cuts an input).
 */
public final class T5Family implements ModelFamily {

    /** The longest encoder input and the longest decoder sequence Modelport runs through T5. */
    public static final int MAX_TOKENS = 2048;

    public static List<Architecture> architectures() {
        return List.of(new Architecture("T5ForConditionalGeneration", Set.of("t5"), Head.SEQ2SEQ_LM, new T5Family()));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int vocab = c.requireInt("vocab_size");
        int dModel = c.intOr("d_model", 512);
        int layers = c.intOr("num_layers", 6);
        int heads = c.intOr("num_heads", 8);
        String proj = c.textOr("feed_forward_proj", "relu");
        String[] parts = proj.split("-");
        if ((parts.length > 1 && !parts[0].equals("gated")) || parts.length > 2) {
            throw c.unsupported("feed_forward_proj '" + proj + "' (transformers takes ACT or gated-ACT)");
        }
        boolean gated = parts[0].equals("gated") && parts.length == 2;
        String act = proj.equals("gated-gelu") ? "gelu_new" : parts[parts.length - 1];
        boolean tied = c.boolOr("tie_word_embeddings", true);
        c.refuseUnless(c.boolOr("is_encoder_decoder", true), "is_encoder_decoder", "T5ForConditionalGeneration is an encoder-decoder");
        c.put("vocab_size", vocab)
                .put("d_model", dModel)
                .put("d_kv", c.intOr("d_kv", 64))
                .put("d_ff", c.intOr("d_ff", 2048))
                .put("num_layers", layers)
                .put("num_decoder_layers", c.intOr("num_decoder_layers", layers))
                .put("num_heads", heads)
                .put("relative_attention_num_buckets", c.intOr("relative_attention_num_buckets", 32))
                .put("relative_attention_max_distance", c.intOr("relative_attention_max_distance", 128))
                .put("layer_norm_epsilon", c.doubleOr("layer_norm_epsilon", 1e-6))
                .put("is_gated_act", gated)
                .put("dense_act_fn", activation(c, act))
                .put("tie_word_embeddings", tied)
                .put("scale_decoder_outputs", c.boolOr("scale_decoder_outputs", tied))
                .put("context_length", MAX_TOKENS);
        return new ProgramConfig(ProgramKind.SEQ2SEQ, List.of("seq2seq", "t5"), c.values(),
                new ModelFacts(vocab, MAX_TOKENS, 0, false));
    }

    /** transformers' ACT2FN names T5 configs use, as programs/nn.py's activation() knows them. */
    private static String activation(ConfigReader c, String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "relu" -> "relu";
            case "gelu", "gelu_python" -> "gelu";
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> "gelu_tanh";
            case "silu", "swish" -> "silu";
            default -> throw c.unsupported("feed_forward_proj activation '" + name + "' (supported: relu, gelu, gelu_new, silu)");
        };
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        long d = config.intValue("d_model");
        long inner = (long) config.intValue("num_heads") * config.intValue("d_kv");
        long ff = config.intValue("d_ff");
        long vocab = config.intValue("vocab_size");
        long buckets = config.intValue("relative_attention_num_buckets");
        boolean gated = config.boolValue("is_gated_act");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        plan.expectStored("shared.weight", List.of("shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"),
                vocab, d);
        plan.tolerate("encoder.embed_tokens.weight").tolerate("decoder.embed_tokens.weight");
        for (int i = 0; i < config.intValue("num_layers"); i++) {
            String block = "encoder.block." + i + ".layer.";
            attention(plan, block + "0.SelfAttention", inner, d);
            if (i == 0) {
                plan.expect(block + "0.SelfAttention.relative_attention_bias.weight", buckets, config.intValue("num_heads"));
            }
            plan.expect(block + "0.layer_norm.weight", d);
            feedForward(plan, block + "1.DenseReluDense", gated, ff, d);
            plan.expect(block + "1.layer_norm.weight", d);
        }
        plan.expect("encoder.final_layer_norm.weight", d);
        for (int i = 0; i < config.intValue("num_decoder_layers"); i++) {
            String block = "decoder.block." + i + ".layer.";
            attention(plan, block + "0.SelfAttention", inner, d);
            if (i == 0) {
                plan.expect(block + "0.SelfAttention.relative_attention_bias.weight", buckets, config.intValue("num_heads"));
            }
            plan.expect(block + "0.layer_norm.weight", d);
            attention(plan, block + "1.EncDecAttention", inner, d);
            plan.expect(block + "1.layer_norm.weight", d);
            feedForward(plan, block + "2.DenseReluDense", gated, ff, d);
            plan.expect(block + "2.layer_norm.weight", d);
        }
        plan.expect("decoder.final_layer_norm.weight", d);
        // transformers declares this one unused (_keys_to_ignore_on_load_unexpected); old saves have it
        plan.tolerate("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight");
        if (config.boolValue("tie_word_embeddings")) {
            plan.tolerate("lm_head.weight");
        } else {
            plan.expect("lm_head.weight", vocab, d);
        }
        return plan.owns("encoder").owns("decoder").owns("shared").owns("lm_head").build();
    }

    private static void attention(TensorPlan.Builder plan, String module, long inner, long d) {
        plan.linear(module + ".q", inner, d, false).linear(module + ".k", inner, d, false)
                .linear(module + ".v", inner, d, false).linear(module + ".o", d, inner, false);
    }

    private static void feedForward(TensorPlan.Builder plan, String module, boolean gated, long ff, long d) {
        if (gated) {
            plan.linear(module + ".wi_0", ff, d, false).linear(module + ".wi_1", ff, d, false);
        } else {
            plan.linear(module + ".wi", ff, d, false);
        }
        plan.linear(module + ".wo", d, ff, false);
    }
}
