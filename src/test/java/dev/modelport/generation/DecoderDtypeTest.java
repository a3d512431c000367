package dev.modelport.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelport.pipeline.GeneratedToken;
import dev.modelport.pipeline.GenerationChatTemplate;
import dev.modelport.pipeline.GenerationListener;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.pipeline.TextGenerationPipeline;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.precision.CpuBfloat16;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.testing.decoders.ReferenceDecoder;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Checkpoint;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoder checkpoints saved in half precision (F16 and BF16) loaded with dtype auto (bfloat16 on a
 * CPU with fast bfloat16, else float32), float32, float16 and bfloat16: logits against the plain-Java reference computed
 * on the very weights the file holds, with and without the KV cache, and a greedy continuation
 * that is the same with the cache as without it in the same dtype; and the text-generation
 * pipeline over a model loaded in float16.
 */
class DecoderDtypeTest {

    /** Float32 compute on the stored (rounded) weights: the same bound as DecoderParityTest. */
    private static final double FLOAT32_TOLERANCE = 1e-4;
    /**
     * Float16 compute: every activation is rounded to 11 significant bits (relative step 2^-11,
     * about 4.9e-4) after each of ~10 operations per layer, over 2 layers, on logits of order 1-3
     * (at 2, one float16 step is already 2e-3). Measured worst cases, printed by the test: 3.6e-3
     * (GPT-2) to 2.5e-2 (Qwen2, F16); the bound leaves 2x room, as EncoderParityTest's 2.5e-2
     * does for encoders.
     */
    private static final double FLOAT16_TOLERANCE = 5e-2;
    /**
     * Bfloat16 compute: 8 significant bits (relative step 2^-8, about 3.9e-3), eight times coarser
     * than float16, on the same logits of order 1-3; measured worst cases are printed by the test.
     */
    private static final double BFLOAT16_TOLERANCE = 2.5e-1;
    private static final int GREEDY_TOKENS = 32;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DjlModelRuntime RUNTIME = new DjlModelRuntime(0);

    @TempDir
    Path tmp;

    enum Arch { GPT2, LLAMA, QWEN2 }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Arch arch : Arch.values()) {
            for (DType storage : List.of(DType.F16, DType.BF16)) {
                for (String dtype : List.of("auto", "float32", "float16", "bfloat16")) {
                    all.add(Arguments.of(arch, storage, dtype));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} stored {1}, dtype {2}")
    @MethodSource("cases")
    void halfPrecisionCheckpointsMatchTheReference(Arch arch, DType storage, String dtype) throws Exception {
        Checkpoint ck = switch (arch) {
            case GPT2 -> TinyDecoders.gpt2(tmp.resolve("gpt2"), 2, 32, 4, 64, 21, false, storage);
            case LLAMA -> TinyDecoders.llama(tmp.resolve("llama"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 2, 22, storage);
            case QWEN2 -> TinyDecoders.llama(tmp.resolve("qwen2"), Family.QWEN2, 2, 32, 4, 1, 40, true, null, 1, 23, storage);
        };
        long[] ids = tokenize(ck, arch == Arch.GPT2 ? "Hello world, this is a tiny GPT-2 in half precision."
                : "once upon a time there lived a small cat");
        assertTrue(ids.length >= 8, "a prompt of several tokens");
        float[][] expected = arch == Arch.GPT2 ? ReferenceDecoder.gpt2(ck, ids) : ReferenceDecoder.llama(ck, ids);
        String expectedDtype = dtype.equals("auto") ? (CpuBfloat16.fast() ? "bfloat16" : "float32") : dtype;
        double tolerance = switch (expectedDtype) {
            case "float16" -> FLOAT16_TOLERANCE;
            case "bfloat16" -> BFLOAT16_TOLERANCE;
            default -> FLOAT32_TOLERANCE;
        };
        ModelSpec spec = RUNTIME.inspect(ck.dir().resolve("config.json"));
        try (DecoderModel model = (DecoderModel) RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", dtype))) {
            assertEquals(expectedDtype, model.dtype());
            double worst = 0;
            FloatTensor all = model.logits(ids);
            for (int i = 0; i < ids.length; i++) {
                worst = Math.max(worst, assertClose(expected[i], all.row(i), tolerance, "no cache, position " + i));
            }
            try (DecoderCache cache = model.newCache()) {
                int prefill = ids.length / 2;
                float[] last = model.nextLogits(cache, Arrays.copyOf(ids, prefill));
                worst = Math.max(worst, assertClose(expected[prefill - 1], last, tolerance, "prefill"));
                for (int i = prefill; i < ids.length; i++) {
                    last = model.nextLogits(cache, new long[] {ids[i]});
                    worst = Math.max(worst, assertClose(expected[i], last, tolerance, "cached step, position " + i));
                }
            }
            System.out.printf("%s stored %s, dtype %s: max |logit - reference| %.3g%n", arch, storage, dtype, worst);

            List<Long> recomputed = greedyWithoutCache(model, ids);
            List<Long> cached = greedyWithCache(model, ids);
            if (tolerance == FLOAT32_TOLERANCE) {
                assertEquals(recomputed, cached, "greedy continuation of " + GREEDY_TOKENS + " tokens, with and without the KV cache");
            } else {
                assertSameUpToATie(ck, arch, ids, recomputed, cached, tolerance);
            }
        }
    }

    /**
     * In half precision the cached and the recomputed passes round differently (other matmul
     * shapes), so two tokens whose logits differ by less than that rounding may swap. The
     * continuations must be identical up to such a tie: where they part, the reference must show
     * the two choices within 2 x the dtype's tolerance of each other (each pass is within the
     * tolerance of the reference), and after that the sequences no longer share a prefix to compare.
     */
    private static void assertSameUpToATie(Checkpoint ck, Arch arch, long[] ids, List<Long> recomputed,
            List<Long> cached, double tolerance) {
        int split = 0;
        while (split < GREEDY_TOKENS && recomputed.get(split).equals(cached.get(split))) {
            split++;
        }
        if (split == GREEDY_TOKENS) {
            return;
        }
        long[] prefix = Arrays.copyOf(ids, ids.length + split);
        for (int i = 0; i < split; i++) {
            prefix[ids.length + i] = cached.get(i);
        }
        float[][] reference = arch == Arch.GPT2 ? ReferenceDecoder.gpt2(ck, prefix) : ReferenceDecoder.llama(ck, prefix);
        float[] last = reference[reference.length - 1];
        double gap = Math.abs(last[recomputed.get(split).intValue()] - last[cached.get(split).intValue()]);
        System.out.printf("half-precision greedy: same %d tokens, then a tie (reference logits %.2g apart)%n", split, gap);
        assertTrue(gap <= 2 * tolerance, "with and without the cache part at token " + split + " on logits "
                + gap + " apart, more than the rounding explains: " + recomputed + " vs " + cached);
    }

    @ParameterizedTest(name = "{0} stored {1}")
    @MethodSource("pipelineCases")
    void textGenerationRunsInFloat16(Arch arch, DType storage) throws Exception {
        Checkpoint ck = arch == Arch.GPT2 ? TinyDecoders.gpt2(tmp.resolve("gpt2"), 2, 32, 4, 64, 31, false, storage)
                : TinyDecoders.llama(tmp.resolve("llama"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 1, 32, storage);
        ModelSpec spec = RUNTIME.inspect(ck.dir().resolve("config.json"));
        try (LoadedModel model = RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", "float16"))) {
            assertEquals("float16", model.dtype());
            TaskPipelineFactory factory = new TaskPipelineFactory();
            try (TextGenerationPipeline pipeline = (TextGenerationPipeline) factory.create(model, ck.dir(), Task.TEXT_GENERATION)) {
                String prompt = "once upon a time";
                JsonNode result = pipeline.run(new TextNode(prompt),
                        JSON.readTree("{\"max_new_tokens\": 12, \"do_sample\": false}"));
                String text = result.get(0).get("generated_text").asText();
                assertTrue(text.startsWith(prompt) && text.length() > prompt.length(), text);
                GenerationResult sampled = pipeline.generate(prompt, pipeline.parameters(
                        JSON.readTree("{\"max_new_tokens\": 12, \"do_sample\": true, \"seed\": 7, \"top_k\": 20}")),
                        GenerationListener.NONE);
                assertTrue(sampled.generatedTokens() > 0, sampled.finishReason());
                for (GeneratedToken t : sampled.tokens()) {
                    assertTrue(Double.isFinite(t.logprob()), "a finite float16 logprob: " + t);
                }
                if (arch == Arch.LLAMA) {
                    String chat = pipeline.chatTemplate().orElseThrow()
                            .render(List.of(new GenerationChatTemplate.Message("user", "hello")));
                    GenerationResult answer = pipeline.generate(chat, pipeline.parameters(
                            JSON.readTree("{\"max_new_tokens\": 6}")), GenerationListener.NONE, false, true);
                    assertTrue(answer.generatedTokens() > 0, answer.finishReason());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("int8Cases")
    void anInt8DecoderMeasuresItsErrorWhileItIsCreatedAndGenerates(Arch arch) throws Exception {
        // context 64 (GPT-2) and 128 (Llama): shorter than the measuring prompt, which is cut to fit
        Checkpoint ck = arch == Arch.GPT2 ? TinyDecoders.gpt2(tmp.resolve("gpt2"), 2, 32, 4, 64, 31, false)
                : TinyDecoders.llama(tmp.resolve("llama"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 1, 32);
        ModelSpec spec = RUNTIME.inspect(ck.dir().resolve("config.json"));
        try (LoadedModel model = RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", "int8"))) {
            assertEquals("int8", model.dtype());
            assertTrue(model.quantizationError().isEmpty(), "measured while the deployment is created, not at load");
            try (TextGenerationPipeline pipeline = (TextGenerationPipeline) new TaskPipelineFactory().create(model,
                    ck.dir(), Task.TEXT_GENERATION)) {
                var error = model.quantizationError().orElseThrow();
                System.out.printf("%s int8 vs float32 logits: %s%n", arch, error);
                assertTrue(error.rows() > 0 && error.rows() <= ((DecoderModel) model).contextLength(), error.toString());
                assertTrue(error.minCosine() > 0.9, "int8 is lossy, not broken: " + error);
                JsonNode result = pipeline.run(new TextNode("once upon a time"),
                        JSON.readTree("{\"max_new_tokens\": 8, \"do_sample\": false}"));
                assertTrue(result.get(0).get("generated_text").asText().length() > "once upon a time".length());
            }
        }
    }

    static Stream<Arch> int8Cases() {
        return Stream.of(Arch.GPT2, Arch.LLAMA);
    }

    static Stream<Arguments> pipelineCases() {
        return Stream.of(Arguments.of(Arch.GPT2, DType.BF16), Arguments.of(Arch.LLAMA, DType.F16));
    }

    private static List<Long> greedyWithCache(DecoderModel model, long[] prompt) {
        List<Long> out = new ArrayList<>();
        try (DecoderCache cache = model.newCache()) {
            float[] logits = model.nextLogits(cache, prompt);
            for (int step = 0; step < GREEDY_TOKENS; step++) {
                long next = argmax(logits);
                out.add(next);
                logits = model.nextLogits(cache, new long[] {next});
            }
        }
        return out;
    }

    private static List<Long> greedyWithoutCache(DecoderModel model, long[] prompt) {
        List<Long> out = new ArrayList<>();
        long[] seq = prompt.clone();
        for (int step = 0; step < GREEDY_TOKENS; step++) {
            FloatTensor all = model.logits(seq);
            long next = argmax(all.row(seq.length - 1));
            out.add(next);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = next;
        }
        return out;
    }

    private static long argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    static long[] tokenize(Checkpoint ck, String text) throws Exception {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(ck.dir().resolve("tokenizer.json"))) {
            return t.encode(text).getIds();
        }
    }

    private static double assertClose(float[] expected, float[] actual, double tolerance, String where) {
        assertEquals(expected.length, actual.length, where);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, where + ": max |diff| " + worst + " > " + tolerance);
        return worst;
    }
}
