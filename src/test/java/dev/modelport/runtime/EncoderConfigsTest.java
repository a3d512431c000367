package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the MPNet, ModernBERT and DeBERTa-v2 families read configs as the Hub has them (transformers 4
 * field names, DeBERTa's getattr defaults) and refuse settings their programs do not implement.
 */
class EncoderConfigsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    @TempDir
    Path dir;

    private ModelSpec inspect(String json) throws Exception {
        Path path = dir.resolve("config.json");
        Files.writeString(path, json);
        return RUNTIME.inspect(path);
    }

    /** answerdotai/ModernBERT-base's config.json as transformers 4 wrote it (the fields that matter). */
    private static final String MODERNBERT_BASE = """
            {"architectures": ["ModernBertForMaskedLM"], "model_type": "modernbert", "hidden_size": 768,
             "num_attention_heads": 12, "num_hidden_layers": 22, "intermediate_size": 1152, "vocab_size": 50368,
             "max_position_embeddings": 8192, "global_attn_every_n_layers": 3, "global_rope_theta": 160000.0,
             "local_attention": 128, "local_rope_theta": 10000.0, "norm_eps": 1e-05, "norm_bias": false,
             "hidden_activation": "gelu", "classifier_pooling": "mean", "classifier_activation": "gelu",
             "decoder_bias": true, "pad_token_id": 50283, "torch_dtype": "float32", "transformers_version": "4.48.0.dev0"}""";

    @Test
    void modernBertBaseReadsItsTransformers4Fields() throws Exception {
        ModelSpec spec = inspect(MODERNBERT_BASE);
        var v = spec.program().values();
        String[] types = v.get("layer_types").split(",");
        assertEquals(22, types.length);
        assertEquals("full_attention", types[0]);
        assertEquals("sliding_attention", types[1]);
        assertEquals("sliding_attention", types[2]);
        assertEquals("full_attention", types[3]);
        assertEquals("full_attention", types[21]);
        assertEquals(160000.0, Double.parseDouble(v.get("global_rope_theta")));
        assertEquals(10000.0, Double.parseDouble(v.get("local_rope_theta")));
        assertEquals("128", v.get("local_attention"));
        assertEquals("mean", v.get("classifier_pooling"));
        assertEquals(8192, spec.facts().maxTokens());
        assertEquals(Head.MASKED_LM, spec.head());
    }

    @Test
    void modernBertSettingsWithoutAnImplementationAreRefused() {
        refused(MODERNBERT_BASE, c -> c.putObject("rope_scaling").put("rope_type", "yarn"), "rope_scaling");
        refused(MODERNBERT_BASE, c -> c.put("classifier_pooling", "max"), "classifier_pooling");
        refused(MODERNBERT_BASE, c -> c.putArray("layer_types").add("full_attention"), "layer_types");
        refused(MODERNBERT_BASE, c -> c.put("hidden_activation", "swiglu"), "hidden_activation");
    }

    /** microsoft/deberta-v3-base's config.json. */
    private static final String DEBERTA_V3_BASE = """
            {"model_type": "deberta-v2", "architectures": ["DebertaV2ForSequenceClassification"], "attention_probs_dropout_prob": 0.1,
             "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
             "intermediate_size": 3072, "max_position_embeddings": 512, "relative_attention": true,
             "position_buckets": 256, "norm_rel_ebd": "layer_norm", "share_att_key": true, "pos_att_type": "p2c|c2p",
             "layer_norm_eps": 1e-7, "max_relative_positions": -1, "position_biased_input": false,
             "num_attention_heads": 12, "num_hidden_layers": 12, "type_vocab_size": 0, "vocab_size": 128100}""";

    @Test
    void debertaV3ReadsTheSettingsTransformersReadsWithGetattr() throws Exception {
        ModelSpec spec = inspect(DEBERTA_V3_BASE);
        var v = spec.program().values();
        assertEquals("256", v.get("pos_ebd_size"));
        assertEquals("512", v.get("max_relative_positions"));
        assertEquals("p2c,c2p", v.get("pos_att_type"));
        assertEquals("true", v.get("share_att_key"));
        assertEquals("true", v.get("norm_rel_ebd_layer_norm"));
        assertEquals("false", v.get("position_biased_input"));
        assertEquals("0", v.get("conv_kernel_size"));
        assertEquals("64", v.get("attention_head_size"));
        assertEquals(0, spec.facts().typeVocabSize());
        // the binary labels transformers gives a config without id2label
        assertEquals("2", v.get("num_labels"));
    }

    @Test
    void debertaSettingsWithoutAnImplementationAreRefused() {
        refused(DEBERTA_V3_BASE, c -> c.put("relative_attention", false), "relative_attention");
        refused(DEBERTA_V3_BASE, c -> c.put("pos_att_type", "p2c|p2p"), "p2p");
        refused(DEBERTA_V3_BASE, c -> c.put("norm_rel_ebd", "layer_norm|batch_norm"), "norm_rel_ebd");
        refused(DEBERTA_V3_BASE, c -> c.put("pooler_hidden_size", 1024), "pooler_hidden_size");
        refused(DEBERTA_V3_BASE, c -> c.put("conv_kernel_size", 3).put("conv_act", "mish"), "conv_act");
    }

    @Test
    void mpnetPositionsStartAfterThePaddingIndex() throws Exception {
        ModelSpec spec = inspect("""
                {"architectures": ["MPNetForMaskedLM"], "model_type": "mpnet", "hidden_size": 768, "num_attention_heads": 12,
                 "num_hidden_layers": 12, "intermediate_size": 3072, "vocab_size": 30527, "max_position_embeddings": 514,
                 "relative_attention_num_buckets": 32, "layer_norm_eps": 1e-05, "pad_token_id": 1}""");
        assertEquals(512, spec.facts().maxTokens());
        assertEquals("1.0E-5", spec.program().values().get("layer_norm_eps"));
    }

    private void refused(String base, Consumer<ObjectNode> change, String named) {
        ModelportException e = assertThrows(ModelportException.class, () -> {
            ObjectNode config = (ObjectNode) JSON.readTree(base);
            change.accept(config);
            inspect(JSON.writeValueAsString(config));
        });
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
