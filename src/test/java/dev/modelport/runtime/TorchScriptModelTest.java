package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TorchScriptWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptModelTest {

    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    @TempDir
    Path dir;

    @Test
    void torchScriptGetsIdsMaskAndTypesAndGivesItsFirstOutput() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).write(dir);
        Files.delete(dir.resolve("model.safetensors"));
        // first output: ids * mask + 1000 * types, as float; the second output must be ignored
        TorchScriptWriter.write(dir.resolve("traced_model.pt"),
                "input_ids: Tensor,\n    attention_mask: Tensor,\n    token_type_ids: Tensor", "Tuple[Tensor, Tensor]",
                "x = torch.add(torch.mul(input_ids, attention_mask), torch.mul(token_type_ids, 1000))\n"
                        + "return (torch.to(x, 6), input_ids)");
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        EncoderBatch batch = new EncoderBatch(new long[][] {{2, 7, 3}, {2, 9, 0}}, new long[][] {{1, 1, 1}, {1, 1, 0}},
                new long[][] {{0, 1, 1}, {0, 0, 0}});
        try (EncoderModel model = (EncoderModel) RUNTIME.load(dir, spec, new LoadOptions("cpu", "auto"))) {
            FloatTensor out = model.forward(batch);
            assertArrayEquals(new float[] {2, 1007, 1003, 2, 9, 0}, out.data());
            assertEquals("cpu", model.device());
        }
    }

    @Test
    void exportTakingOnlyIdsAndMaskStillRunsWhenTypesAreGiven() throws Exception {
        TinyCheckpoints.builder(Family.DISTILBERT, Head.BASE).write(dir);
        Files.delete(dir.resolve("model.safetensors"));
        TorchScriptWriter.write(dir.resolve("model.pt"), "input_ids: Tensor,\n    attention_mask: Tensor", "Tensor",
                "return torch.to(torch.sub(input_ids, attention_mask), 6)");
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        EncoderBatch batch = new EncoderBatch(new long[][] {{5, 6}}, new long[][] {{1, 0}}, new long[][] {{0, 0}});
        try (EncoderModel model = (EncoderModel) RUNTIME.load(dir, spec, new LoadOptions("auto", "auto"))) {
            assertArrayEquals(new float[] {4, 6}, model.forward(batch).data());
            assertArrayEquals(new float[] {4, 6}, model.hiddenStates(batch).data(), "a base model's output is its hidden state");
        }
    }

    @Test
    void torchScriptRefusesAHalfPrecisionRequestAndHiddenStatesOfAHead() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).write(dir);
        Files.delete(dir.resolve("model.safetensors"));
        TorchScriptWriter.write(dir.resolve("model.pt"), "input_ids: Tensor,\n    attention_mask: Tensor", "Tensor",
                "return torch.to(input_ids, 6)");
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        ModelportException half = assertThrows(ModelportException.class,
                () -> RUNTIME.load(dir, spec, new LoadOptions("cpu", "float16")));
        assertEquals(ErrorCode.INVALID_REQUEST, half.code());
        EncoderBatch batch = new EncoderBatch(new long[][] {{5, 6}}, new long[][] {{1, 1}}, null);
        try (EncoderModel model = (EncoderModel) RUNTIME.load(dir, spec, new LoadOptions("cpu", "auto"))) {
            assertEquals(ErrorCode.UNSUPPORTED_TASK,
                    assertThrows(ModelportException.class, () -> model.hiddenStates(batch)).code());
        }
    }
}
