package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Checkpoint;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import dev.modelport.testing.models.SafetensorsTestReader;
import dev.modelport.testing.models.SafetensorsWriter;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder setting or tensor the program does not implement is refused with
 * UNSUPPORTED_MODEL_CONFIG naming it, never run as if it were absent: the config at inspect
 * (validating), the tensor at load.
 */
class DecoderConfigRefusalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    @TempDir
    Path dir;

    @Test
    void ropeVariantsWithoutAnImplementationAreRefusedAtInspect() throws Exception {
        refusedAtInspect("yarn", c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0));
        refusedAtInspect("longrope", c -> c.putObject("rope_parameters").put("rope_type", "longrope").put("rope_theta", 1e4));
        refusedAtInspect("partial_rotary_factor", c -> c.put("partial_rotary_factor", 0.5));
        refusedAtInspect("per layer type", c -> c.putObject("rope_parameters").putObject("full_attention")
                .put("rope_type", "default"));
    }

    @Test
    void anUnknownLayerTypeIsRefusedAtInspect() throws Exception {
        Checkpoint ck = TinyDecoders.llama(dir, Family.QWEN2, 2, 32, 4, 2, 48, false, null, 1, 1);
        ObjectNode config = ck.config().deepCopy();
        config.putArray("layer_types").add("full_attention").add("chunked_attention");
        Path path = dir.resolve("config.json");
        Files.writeString(path, JSON.writeValueAsString(config));
        ModelportException e = assertThrows(ModelportException.class, () -> RUNTIME.inspect(path));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code());
        assertTrue(e.getMessage().contains("chunked_attention"), e.getMessage());
    }

    @Test
    void aBiasTheConfigDoesNotAnnounceIsRefusedAtLoad() throws Exception {
        // q_proj biases in a Llama checkpoint whose config says attention_bias false (a converted
        // checkpoint with a wrong config): run without them, the model would answer wrong
        TinyDecoders.llama(dir, Family.LLAMA, 1, 32, 4, 2, 48, false, null, 1, 1);
        Path weights = dir.resolve("model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        SafetensorsTestReader.read(weights).forEach((name, t) -> writer.put(name, DType.F32, t.shape(), t.values()));
        writer.put("model.layers.0.self_attn.q_proj.bias", DType.F32, new long[] {32}, new float[32]);
        writer.write(weights);
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        ModelportException e = assertThrows(ModelportException.class,
                () -> RUNTIME.load(dir, spec, new LoadOptions("cpu", "float32")).close());
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code());
        assertTrue(e.getMessage().contains("'model.layers.0.self_attn.q_proj.bias'"), e.getMessage());
    }

    private void refusedAtInspect(String named, Consumer<ObjectNode> change) throws Exception {
        Path repo = dir.resolve(named.replace(' ', '-'));
        Checkpoint ck = TinyDecoders.llama(repo, Family.LLAMA, 1, 32, 4, 2, 48, false, null, 1, 1);
        ObjectNode config = ck.config().deepCopy();
        change.accept(config);
        Path path = repo.resolve("config.json");
        Files.writeString(path, JSON.writeValueAsString(config));
        ModelportException e = assertThrows(ModelportException.class, () -> RUNTIME.inspect(path), named);
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code(), named);
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
