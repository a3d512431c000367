package dev.modelport.runtime.bart;

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
import java.util.Set;

/**
 * BartForConditionalGeneration and MarianMTModel (programs/bart.py: Marian's layers are BART's).
 * Defaults are those of transformers' BartConfig and MarianConfig. BART: learned positions (a table of
 * max_position_embeddings + 2 rows, offset 2), {@code layernorm_embedding}, one shared embedding.
 * Marian: sinusoidal positions (computed, or the stored table when a checkpoint has one, as
 * transformers loads it), no embedding LayerNorm, and separate encoder and decoder embeddings when
 * {@code share_encoder_decoder_embeddings} is false ({@code decoder_vocab_size}). Both: the LM head is
 * the (decoder) embedding when {@code tie_word_embeddings} (default true), else {@code lm_head.weight};
 * {@code final_logits_bias} is added when the checkpoint has it (transformers starts it at zero).
 * Fields of old fairseq-converted configs that transformers' BART no longer reads
 * ({@code normalize_before}, {@code add_final_layer_norm}, {@code static_position_embeddings}, ...)
 * are ignored, as transformers ignores them.
 */
public final class BartFamily implements ModelFamily {

    private enum Variant { BART, MARIAN }

    private final Variant variant;

    private BartFamily(Variant variant) {
        this.variant = variant;
    }

    public static List<Architecture> architectures() {
        return List.of(
                new Architecture("BartForConditionalGeneration", Set.of("bart"), Head.SEQ2SEQ_LM, new BartFamily(Variant.BART)),
                new Architecture("MarianMTModel", Set.of("marian"), Head.SEQ2SEQ_LM, new BartFamily(Variant.MARIAN)));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        boolean marian = variant == Variant.MARIAN;
        int vocab = c.requireInt("vocab_size");
        int dModel = c.intOr("d_model", 1024);
        int encoderHeads = c.intOr("encoder_attention_heads", 16);
        int decoderHeads = c.intOr("decoder_attention_heads", 16);
        c.requireDivisible(dModel, "d_model", encoderHeads, "encoder_attention_heads");
        c.requireDivisible(dModel, "d_model", decoderHeads, "decoder_attention_heads");
        int positions = c.intOr("max_position_embeddings", 1024);
        boolean shared = !marian || c.boolOr("share_encoder_decoder_embeddings", true);
        int decoderVocab = shared ? vocab : c.intOr("decoder_vocab_size", vocab);
        String encoderEmbed = shared ? "model.shared.weight" : "model.encoder.embed_tokens.weight";
        String decoderEmbed = shared ? "model.shared.weight" : "model.decoder.embed_tokens.weight";
        boolean tied = c.boolOr("tie_word_embeddings", true);
        c.refuseUnless(c.boolOr("is_encoder_decoder", true), "is_encoder_decoder", architecture.name() + " is an encoder-decoder");
        c.put("vocab_size", vocab)
                .put("decoder_vocab_size", decoderVocab)
                .put("d_model", dModel)
                .put("encoder_layers", c.intOr("encoder_layers", 12))
                .put("decoder_layers", c.intOr("decoder_layers", 12))
                .put("encoder_attention_heads", encoderHeads)
                .put("decoder_attention_heads", decoderHeads)
                .put("encoder_ffn_dim", c.intOr("encoder_ffn_dim", 4096))
                .put("decoder_ffn_dim", c.intOr("decoder_ffn_dim", 4096))
                .put("activation_function", c.activation("activation_function", "gelu"))
                .put("scale_embedding", c.boolOr("scale_embedding", false))
                .put("max_position_embeddings", positions)
                .put("positions", marian ? "sinusoidal" : "learned")
                .put("layernorm_embedding", !marian)
                .put("encoder_embed", encoderEmbed)
                .put("decoder_embed", decoderEmbed)
                .put("lm_head", tied ? decoderEmbed : "lm_head.weight")
                .put("tie_word_embeddings", tied)
                .put("context_length", positions);
        return new ProgramConfig(ProgramKind.SEQ2SEQ, List.of("seq2seq", "bart"), c.values(),
                new ModelFacts(vocab, positions, 0, false));
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        long d = config.intValue("d_model");
        long vocab = config.intValue("vocab_size");
        long decoderVocab = config.intValue("decoder_vocab_size");
        long positions = config.intValue("max_position_embeddings");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        String encoderEmbed = config.values().get("encoder_embed");
        String decoderEmbed = config.values().get("decoder_embed");
        if (encoderEmbed.equals(decoderEmbed)) {
            plan.expectStored(encoderEmbed, List.of("model.shared.weight", "model.encoder.embed_tokens.weight",
                    "model.decoder.embed_tokens.weight"), vocab, d);
            plan.tolerate("model.encoder.embed_tokens.weight").tolerate("model.decoder.embed_tokens.weight");
        } else {
            plan.expect(encoderEmbed, vocab, d).expect(decoderEmbed, decoderVocab, d);
        }
        if (config.values().get("positions").equals("learned")) {
            plan.expect("model.encoder.embed_positions.weight", positions + 2, d)
                    .expect("model.decoder.embed_positions.weight", positions + 2, d);
        } else {
            for (String stack : List.of("encoder", "decoder")) {
                String table = "model." + stack + ".embed_positions.weight";
                if (names.contains(table)) {
                    plan.expect(table, positions, d);
                }
            }
        }
        if (config.boolValue("layernorm_embedding")) {
            norm(plan, "model.encoder.layernorm_embedding", d);
            norm(plan, "model.decoder.layernorm_embedding", d);
        }
        long encoderFfn = config.intValue("encoder_ffn_dim");
        for (int i = 0; i < config.intValue("encoder_layers"); i++) {
            String layer = "model.encoder.layers." + i + ".";
            attention(plan, layer + "self_attn", d);
            norm(plan, layer + "self_attn_layer_norm", d);
            plan.linear(layer + "fc1", encoderFfn, d, true).linear(layer + "fc2", d, encoderFfn, true);
            norm(plan, layer + "final_layer_norm", d);
        }
        long decoderFfn = config.intValue("decoder_ffn_dim");
        for (int i = 0; i < config.intValue("decoder_layers"); i++) {
            String layer = "model.decoder.layers." + i + ".";
            attention(plan, layer + "self_attn", d);
            norm(plan, layer + "self_attn_layer_norm", d);
            attention(plan, layer + "encoder_attn", d);
            norm(plan, layer + "encoder_attn_layer_norm", d);
            plan.linear(layer + "fc1", decoderFfn, d, true).linear(layer + "fc2", d, decoderFfn, true);
            norm(plan, layer + "final_layer_norm", d);
        }
        if (config.boolValue("tie_word_embeddings")) {
            plan.tolerate("lm_head.weight");
        } else {
            plan.expect("lm_head.weight", decoderVocab, d);
        }
        if (names.contains("final_logits_bias")) {
            plan.expect("final_logits_bias", 1, decoderVocab);
        }
        return plan.owns("model").owns("lm_head").build();
    }

    private static void attention(TensorPlan.Builder plan, String module, long d) {
        plan.linear(module + ".q_proj", d, d, true).linear(module + ".k_proj", d, d, true)
                .linear(module + ".v_proj", d, d, true).linear(module + ".out_proj", d, d, true);
    }

    private static void norm(TensorPlan.Builder plan, String module, long d) {
        plan.expect(module + ".weight", d).expect(module + ".bias", d);
    }
}
