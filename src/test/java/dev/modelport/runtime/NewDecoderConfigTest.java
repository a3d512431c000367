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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Qwen3, Gemma 2, Gemma 3 and Phi-3 configs read, in the layouts transformers 4 and 5 write, with
 * transformers' defaults for what a config leaves out (the expected values are what transformers 5.18's
 * Gemma2Config, Gemma3TextConfig, Qwen3Config and Phi3Config make of the same fields), and what they
 * refuse. The models' numbers are checked by the goldens (scripts/goldens/cases_decoders2.py).
 */
class NewDecoderConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    @TempDir
    Path dir;

    private ObjectNode base(String architecture, String modelType, int layers) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(architecture);
        c.put("model_type", modelType).put("vocab_size", 100).put("hidden_size", 32).put("intermediate_size", 64)
                .put("num_hidden_layers", layers).put("num_attention_heads", 4).put("num_key_value_heads", 2);
        return c;
    }

    private Map<String, String> values(ObjectNode config) throws Exception {
        return inspect(config).program().values();
    }

    private ModelSpec inspect(ObjectNode config) throws Exception {
        Path path = dir.resolve("config.json");
        Files.writeString(path, JSON.writeValueAsString(config));
        return RUNTIME.inspect(path);
    }

    private ModelportException refused(ObjectNode config) {
        return assertThrows(ModelportException.class, () -> inspect(config));
    }

    @Test
    void gemma3ConfigsOfTransformers4GiveEachLayerTypeItsRotarySettings() throws Exception {
        // google/gemma-3-4b-it's text config as transformers 4 wrote it
        ObjectNode c = base("Gemma3ForCausalLM", "gemma3_text", 7).put("rope_theta", 1_000_000.0)
                .put("rope_local_base_freq", 10_000.0).put("sliding_window_pattern", 6).put("sliding_window", 512)
                .put("head_dim", 16);
        c.putObject("rope_scaling").put("rope_type", "linear").put("factor", 8.0);
        Map<String, String> v = values(c);
        assertEquals("linear", v.get("rope_type"));
        assertEquals(8.0, Double.parseDouble(v.get("rope_factor")));
        assertEquals(1e6, Double.parseDouble(v.get("rope_theta")));
        assertEquals("default", v.get("local_rope_type"));
        assertEquals(1e4, Double.parseDouble(v.get("local_rope_theta")));
        assertEquals("512,512,512,512,512,0,512", v.get("layer_windows"));
        assertEquals("true", v.get("qk_norm"));
        assertEquals(0.0, Double.parseDouble(v.get("attn_logit_softcapping")), "Gemma 3 never caps attention scores");
        assertEquals(0.0, Double.parseDouble(v.get("final_logit_softcapping")), "Gemma3TextConfig's default is None");
        assertEquals(256.0, Double.parseDouble(v.get("query_pre_attn_scalar")));
        assertEquals("gelu_tanh", v.get("hidden_act"));
        assertEquals("true", v.get("tie_word_embeddings"));
    }

    @Test
    void gemma3ConfigsOfTransformers5NestTheirRotarySettings() throws Exception {
        ObjectNode c = base("Gemma3ForCausalLM", "gemma3_text", 2).put("sliding_window", 6);
        c.putArray("layer_types").add("sliding_attention").add("full_attention");
        ObjectNode rope = c.putObject("rope_parameters");
        rope.putObject("full_attention").put("rope_type", "default").put("rope_theta", 1e6);
        rope.putObject("sliding_attention").put("rope_type", "default").put("rope_theta", 1e4);
        Map<String, String> v = values(c);
        assertEquals(1e6, Double.parseDouble(v.get("rope_theta")));
        assertEquals(1e4, Double.parseDouble(v.get("local_rope_theta")));
        assertEquals("6,0", v.get("layer_windows"));
        assertEquals("256", v.get("head_dim"), "Gemma3TextConfig's default head_dim");
    }

    @Test
    void gemma2DefaultsSoftCapAndAlternateSlidingLayers() throws Exception {
        Map<String, String> v = values(base("Gemma2ForCausalLM", "gemma2", 3));
        assertEquals(50.0, Double.parseDouble(v.get("attn_logit_softcapping")));
        assertEquals(30.0, Double.parseDouble(v.get("final_logit_softcapping")));
        assertEquals("4096,0,4096", v.get("layer_windows"));
        assertEquals("false", v.get("qk_norm"));
        ObjectNode off = base("Gemma2ForCausalLM", "gemma2", 2);
        off.putNull("attn_logit_softcapping");
        off.putNull("final_logit_softcapping");
        Map<String, String> none = values(off);
        assertEquals(0.0, Double.parseDouble(none.get("attn_logit_softcapping")));
        assertEquals(0.0, Double.parseDouble(none.get("final_logit_softcapping")));
    }

    @Test
    void gemmaRefusesWhatItDoesNotImplement() {
        ModelportException e = refused(base("Gemma3TextModel", "gemma3_text", 2).put("use_bidirectional_attention", true));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code());
        assertTrue(e.getMessage().contains("use_bidirectional_attention"), e.getMessage());
        ObjectNode yarn = base("Gemma2ForCausalLM", "gemma2", 2);
        yarn.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0);
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, refused(yarn).code());
        ObjectNode pattern = base("Gemma3ForCausalLM", "gemma3_text", 2);
        pattern.putNull("sliding_window");
        assertTrue(refused(pattern).getMessage().contains("sliding_window"));
    }

    @Test
    void multimodalGemma3IsRefusedNamingTheTextOnlyOne() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("Gemma3ForConditionalGeneration");
        c.put("model_type", "gemma3");
        ModelportException e = refused(c);
        assertEquals(ErrorCode.UNSUPPORTED_ARCHITECTURE, e.code());
        assertTrue(e.getMessage().contains("multimodal") && e.getMessage().contains("Gemma3ForCausalLM"), e.getMessage());
    }

    @Test
    void qwen3DefaultsAndSlidingLayers() throws Exception {
        Map<String, String> v = values(base("Qwen3ForCausalLM", "qwen3", 3).put("sliding_window", 8));
        assertEquals("128", v.get("head_dim"), "Qwen3Config's default head_dim");
        assertEquals("0,0,0", v.get("layer_windows"), "sliding_window counts only with use_sliding_window");
        Map<String, String> sliding = values(base("Qwen3ForCausalLM", "qwen3", 3).put("sliding_window", 8)
                .put("use_sliding_window", true).put("max_window_layers", 1).put("attention_bias", true));
        assertEquals("0,8,8", sliding.get("layer_windows"));
        assertEquals("true", sliding.get("o_bias"));
        ObjectNode yarn = base("Qwen3ForCausalLM", "qwen3", 2);
        yarn.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0).put("original_max_position_embeddings", 32768);
        ModelportException e = refused(yarn);
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code());
        assertTrue(e.getMessage().contains("yarn"), e.getMessage());
    }

    @Test
    void phi3LongropeReadsAsPhi3ConfigDoes() throws Exception {
        // Phi-3-mini-128k's layout: rope_scaling type longrope, top-level original_max_position_embeddings
        ObjectNode c = base("Phi3ForCausalLM", "phi3", 2).put("max_position_embeddings", 131072)
                .put("original_max_position_embeddings", 4096).put("partial_rotary_factor", 0.5);
        ObjectNode rope = c.putObject("rope_scaling").put("type", "longrope");
        rope.putArray("short_factor").add(1.0).add(1.1);
        rope.putArray("long_factor").add(2.0).add(3.0);
        rope.put("original_max_position_embeddings", 64); // the top-level one wins in transformers
        Map<String, String> v = values(c);
        assertEquals("longrope", v.get("rope_type"));
        assertEquals("4", v.get("rotary_dim"));
        assertEquals("4096", v.get("original_max_position_embeddings"));
        assertEquals("1.0,1.1", v.get("short_factor"));
        assertEquals(Math.sqrt(1 + Math.log(32.0) / Math.log(4096)), Double.parseDouble(v.get("rope_attention_factor")), 1e-12);
        assertEquals("131072", v.get("context_length"));
        assertEquals("0,0", v.get("layer_windows"));
        ObjectNode wrong = c.deepCopy();
        ((ObjectNode) wrong.get("rope_scaling")).putArray("long_factor").add(2.0);
        assertTrue(refused(wrong).getMessage().contains("long_factor"));
        // "su" is read as longrope only with its own original_max_position_embeddings, as in transformers
        ObjectNode su = c.deepCopy();
        ((ObjectNode) su.get("rope_scaling")).put("type", "su").remove("original_max_position_embeddings");
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, refused(su).code());
    }

    @Test
    void phi3ReposThatShipTheirModelingCodeRunNatively() throws Exception {
        // microsoft/Phi-3-mini-4k-instruct's config.json names its modeling_phi3.py, which is transformers' own now
        ObjectNode phi3 = base("Phi3ForCausalLM", "phi3", 2);
        phi3.putObject("auto_map").put("AutoModelForCausalLM", "modeling_phi3.Phi3ForCausalLM");
        assertEquals("Phi3ForCausalLM", inspect(phi3).architecture());
        ObjectNode other = base("Gemma2ForCausalLM", "gemma2", 2);
        other.putObject("auto_map").put("AutoModelForCausalLM", "modeling_custom.Custom");
        ModelportException e = refused(other);
        assertEquals(ErrorCode.UNSUPPORTED_ARCHITECTURE, e.code());
        assertTrue(e.getMessage().contains("trust_remote_code"), e.getMessage());
    }

    @Test
    void phi3WithoutScalingIsPlainRope() throws Exception {
        Map<String, String> v = values(base("Phi3ForCausalLM", "phi3", 2).put("sliding_window", 2047));
        assertEquals("default", v.get("rope_type"));
        assertEquals("8", v.get("rotary_dim"));
        assertEquals("2047,2047", v.get("layer_windows"));
        assertEquals(1e-5, Double.parseDouble(v.get("rms_norm_eps")));
    }
}
