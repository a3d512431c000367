package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLoadingTest {

    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    @TempDir
    Path dir;

    private EncoderModel load(Path repo, String device, String dtype) {
        return (EncoderModel) RUNTIME.load(repo, RUNTIME.inspect(repo.resolve("config.json")), new LoadOptions(device, dtype));
    }

    @Test
    void missingTensorIsNamedWithItsFile() {
        String key = "bert.encoder.layer.1.attention.self.key.weight";
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).drop(key).write(dir);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.INVALID_CHECKPOINT, e.code());
        assertTrue(e.getMessage().contains("'" + key + "'") && e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void missingHeadTensorIsNamed() {
        TinyCheckpoints.builder(Family.DISTILBERT, Head.QUESTION_ANSWERING).drop("qa_outputs.bias").write(dir);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.INVALID_CHECKPOINT, e.code());
        assertTrue(e.getMessage().contains("'qa_outputs.bias'"), e.getMessage());
    }

    @Test
    void misshapenTensorIsNamedWithBothShapes() {
        String key = "roberta.encoder.layer.0.intermediate.dense.weight";
        TinyCheckpoints.builder(Family.ROBERTA, Head.BASE).prefixedBase(true).reshape(key, 48, 32).write(dir);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.INVALID_CHECKPOINT, e.code());
        assertTrue(e.getMessage().contains("'" + key + "'") && e.getMessage().contains("[48, 32]")
                && e.getMessage().contains("expected [64, 32]"), e.getMessage());
    }

    @Test
    void labelCountMismatchBetweenConfigAndClassifierIsRefused() {
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).labels(List.of("A", "B", "C"))
                .config("id2label", Map.of("0", "A", "1", "B")).config("label2id", Map.of("A", 0, "B", 1)).write(dir);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertTrue(e.getMessage().contains("'classifier.weight'") && e.getMessage().contains("expected [2, 32]"), e.getMessage());
    }

    @Test
    void bf16CheckpointLoadsExactlyAtFloat32AndRunsAtBfloat16() {
        TinyRepo repo = TinyCheckpoints.builder(Family.DISTILBERT, Head.TOKEN_CLASSIFICATION).dtype(DType.BF16).seed(8)
                .write(dir);
        // the bfloat16 bytes decode exactly, so float32 compute equals the reference on the stored weights
        double diff = EncoderParityTest.assertParity(repo, Head.TOKEN_CLASSIFICATION, new LoadOptions("cpu", "float32"), 1e-4);
        assertTrue(diff < 1e-4);
        try (EncoderModel bf16 = load(dir, "cpu", "bfloat16")) {
            assertEquals("bfloat16", bf16.dtype());
            assertEquals(bf16.memoryBytes() * 2, load(dir, "cpu", "float32").memoryBytes());
        }
        EncoderParityTest.assertParity(repo, Head.TOKEN_CLASSIFICATION, new LoadOptions("cpu", "bfloat16"), 5e-2);
    }

    @Test
    void aTensorTheProgramWouldNotUseIsRefused() {
        // a bias on a layer that has none in this architecture: running without it would answer wrong
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION)
                .extra("bert.encoder.layer.0.attention.self.query.extra_scale", 32).write(dir);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, e.code());
        assertTrue(e.getMessage().contains("'bert.encoder.layer.0.attention.self.query.extra_scale'"), e.getMessage());
    }

    @Test
    void shardedCheckpointGivesTheSameOutputAsOneFile() {
        TinyRepo single = TinyCheckpoints.builder(Family.BERT, Head.MASKED_LM).seed(2).write(dir.resolve("single"));
        TinyRepo sharded = TinyCheckpoints.builder(Family.BERT, Head.MASKED_LM).seed(2).shards(3).write(dir.resolve("sharded"));
        assertFalse(Files.exists(sharded.dir().resolve("model.safetensors")));
        EncoderBatch batch = EncoderFixtures.mixedBatch(single, 1);
        try (EncoderModel a = load(single.dir(), "cpu", "auto"); EncoderModel b = load(sharded.dir(), "cpu", "auto")) {
            assertArrayEquals(a.forward(batch).data(), b.forward(batch).data());
            assertEquals(a.memoryBytes(), b.memoryBytes());
        }
        EncoderParityTest.assertParity(sharded, Head.MASKED_LM, new LoadOptions("cpu", "auto"), 1e-4);
    }

    @Test
    void shardMissingFromTheIndexIsReported() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).shards(2).write(dir);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.INVALID_CHECKPOINT, e.code());
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void truncatedFileIsReported() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.INVALID_CHECKPOINT, e.code());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void memoryBytesCountsEachWeightOnceAtTheLoadedPrecision() {
        TinyRepo repo = TinyCheckpoints.builder(Family.BERT, Head.MASKED_LM).dtype(DType.F16).write(dir);
        long params = repo.shapes().entrySet().stream().filter(e -> !e.getKey().endsWith("position_ids"))
                .mapToLong(e -> java.util.Arrays.stream(e.getValue()).reduce(1, (x, y) -> x * y)).sum();
        try (LoadedModel f32 = load(dir, "cpu", "float32"); LoadedModel f16 = load(dir, "cpu", "float16");
                LoadedModel bf16 = load(dir, "cpu", "bfloat16")) {
            assertEquals(params * 4, f32.memoryBytes());
            assertEquals(params * 2, f16.memoryBytes());
            assertEquals(params * 2, bf16.memoryBytes());
        }
    }

    @Test
    void noWeightsAtAllIsUnsupportedModelFiles() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("training_args.bin"), new byte[16]);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_FILES, e.code());
        assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    }

    @Test
    void aPytorchModelBinThatIsNoCheckpointIsInvalid() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[16]);
        ModelportException e = assertThrows(ModelportException.class, () -> load(dir, "cpu", "auto"));
        assertEquals(ErrorCode.INVALID_CHECKPOINT, e.code());
        assertTrue(e.getMessage().startsWith("pytorch_model.bin "), e.getMessage());
    }

    @Test
    void unsupportedArchitectureIsNamedWithTheSupportedOnes() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"architectures\": [\"XLNetLMHeadModel\"], \"model_type\": \"xlnet\", \"d_model\": 768}");
        ModelportException e = assertThrows(ModelportException.class, () -> RUNTIME.inspect(config));
        assertEquals(ErrorCode.UNSUPPORTED_ARCHITECTURE, e.code());
        assertTrue(e.getMessage().startsWith("architecture XLNetLMHeadModel is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("DistilBertForSequenceClassification")
                && e.getMessage().contains("XLMRobertaForMaskedLM") && e.getMessage().contains("GPT2LMHeadModel"), e.getMessage());
    }

    @Test
    void remoteCodeConfigsAreRefused() throws Exception {
        TinyCheckpoints.builder(Family.BERT, Head.BASE)
                .config("auto_map", Map.of("AutoModel", "modeling_custom.CustomModel")).write(dir);
        ModelportException e = assertThrows(ModelportException.class, () -> RUNTIME.inspect(dir.resolve("config.json")));
        assertEquals(ErrorCode.UNSUPPORTED_ARCHITECTURE, e.code());
        assertTrue(e.getMessage().contains("trust_remote_code"), e.getMessage());
    }

    @Test
    void unsupportedActivationOrPositionsAreRefusedAtInspect() {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).hiddenAct("swiglu").write(dir.resolve("a"));
        ModelportException act = assertThrows(ModelportException.class, () -> RUNTIME.inspect(dir.resolve("a/config.json")));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, act.code());
        assertTrue(act.getMessage().contains("swiglu"), act.getMessage());

        TinyCheckpoints.builder(Family.BERT, Head.BASE).config("position_embedding_type", "relative_key").write(dir.resolve("b"));
        ModelportException pos = assertThrows(ModelportException.class, () -> RUNTIME.inspect(dir.resolve("b/config.json")));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_CONFIG, pos.code());
        assertTrue(pos.getMessage().contains("relative_key"), pos.getMessage());
    }

    @Test
    void inspectReportsArchitectureTypeAndHead() {
        TinyCheckpoints.builder(Family.XLM_ROBERTA, Head.QUESTION_ANSWERING).write(dir);
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        assertEquals("XLMRobertaForQuestionAnswering", spec.architecture());
        assertEquals("xlm-roberta", spec.modelType());
        assertEquals(Head.QUESTION_ANSWERING, spec.head());
        assertEquals(2, spec.config().get("num_hidden_layers").asInt());
    }

    @Test
    void inputLongerThanThePositionTableIsRefused() {
        TinyRepo repo = TinyCheckpoints.builder(Family.ROBERTA, Head.BASE).write(dir);
        int t = TinyCheckpoints.MAX_TOKENS + 1;
        long[][] ids = new long[1][t];
        long[][] mask = new long[1][t];
        java.util.Arrays.fill(ids[0], repo.vocabulary().id("the"));
        java.util.Arrays.fill(mask[0], 1);
        try (EncoderModel model = load(dir, "cpu", "auto")) {
            ModelportException e = assertThrows(ModelportException.class,
                    () -> model.forward(new EncoderBatch(ids, mask, null)));
            assertEquals(ErrorCode.INPUT_TOO_LARGE, e.code());
            // the longest input the model takes still runs
            long[][] fits = {java.util.Arrays.copyOf(ids[0], t - 1)};
            long[][] fitsMask = {java.util.Arrays.copyOf(mask[0], t - 1)};
            assertArrayEquals(new long[] {1, t - 1, TinyCheckpoints.HIDDEN},
                    model.forward(new EncoderBatch(fits, fitsMask, null)).shape());
        }
    }

    @Test
    void raggedBatchAndOutOfVocabularyIdsAreInvalidInput() {
        TinyRepo repo = TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        try (EncoderModel model = load(dir, "cpu", "auto")) {
            EncoderBatch ragged = new EncoderBatch(new long[][] {{2, 3}, {2}}, new long[][] {{1, 1}, {1}}, null);
            assertEquals(ErrorCode.INVALID_INPUT, assertThrows(ModelportException.class, () -> model.forward(ragged)).code());
            EncoderBatch oov = new EncoderBatch(new long[][] {{2, repo.vocabulary().size(), 3}}, new long[][] {{1, 1, 1}}, null);
            assertEquals(ErrorCode.INVALID_INPUT, assertThrows(ModelportException.class, () -> model.forward(oov)).code());
        }
    }

    @Test
    void deviceAndDtypeChoices() {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        ModelportException dtype = assertThrows(ModelportException.class,
                () -> RUNTIME.load(dir, spec, new LoadOptions("cpu", "float8")));
        assertEquals(ErrorCode.INVALID_REQUEST, dtype.code());
        ModelportException device = assertThrows(ModelportException.class,
                () -> RUNTIME.load(dir, spec, new LoadOptions("tpu", "auto")));
        assertEquals(ErrorCode.INVALID_REQUEST, device.code());
        boolean hasGpu = RUNTIME.devices().size() > 1;
        try (LoadedModel auto = RUNTIME.load(dir, spec, new LoadOptions("auto", "auto"))) {
            assertEquals(hasGpu ? "gpu:0" : "cpu", auto.device());
            // the checkpoint is float32, which auto keeps on every device
            assertEquals("float32", auto.dtype());
        }
        if (!hasGpu) {
            ModelportException gpu = assertThrows(ModelportException.class,
                    () -> RUNTIME.load(dir, spec, new LoadOptions("gpu", "auto")));
            assertEquals(ErrorCode.INVALID_REQUEST, gpu.code());
            assertEquals("no GPU available", gpu.getMessage());
        }
    }

    @Test
    void devicesListTheCpuFirstAndTheEngine() {
        List<DeviceInfo> devices = RUNTIME.devices();
        DeviceInfo cpu = devices.get(0);
        assertEquals("cpu", cpu.id());
        assertEquals(Runtime.getRuntime().availableProcessors(), cpu.cores());
        assertTrue(cpu.memoryBytes() > 0 && cpu.freeMemoryBytes() > 0 && cpu.freeMemoryBytes() <= cpu.memoryBytes());
        devices.stream().skip(1).forEach(g -> {
            assertTrue(g.id().matches("gpu:\\d+"));
            assertTrue(g.memoryBytes() > 0);
        });
        assertEquals("PyTorch", RUNTIME.engineName());
        assertTrue(RUNTIME.engineVersion().matches("\\d+\\.\\d+.*"), RUNTIME.engineVersion());
    }

    @Test
    void gpuLoadMatchesTheCpu() {
        assumeTrue(RUNTIME.devices().size() > 1, "no GPU on this machine");
        TinyRepo repo = TinyCheckpoints.builder(Family.ROBERTA, Head.SEQUENCE_CLASSIFICATION).seed(4).write(dir);
        EncoderParityTest.assertParity(repo, Head.SEQUENCE_CLASSIFICATION, new LoadOptions("gpu:0", "float32"), 1e-4);
        EncoderParityTest.assertParity(repo, Head.SEQUENCE_CLASSIFICATION, new LoadOptions("gpu", "bfloat16"), 5e-2);
    }
}
