package dev.modelport.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.testing.decoders.ReferenceDecoder;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Checkpoint;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each decoder architecture, loaded from a tiny random checkpoint in its genuine layout, against
 * the plain-Java reference: logits of a whole sequence without cache, and logits of the same
 * sequence fed token by token through the KV cache.
 */
class DecoderParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DjlModelRuntime RUNTIME = new DjlModelRuntime(0);

    @TempDir
    Path tmp;

    @Test
    void gpt2WithTransformerPrefixBuffersAndTiedHead() throws Exception {
        Checkpoint ck = TinyDecoders.gpt2(tmp.resolve("gpt2"), 2, 32, 4, 64, 1, false);
        check(ck, ReferenceDecoder::gpt2, tokenize(ck, "Hello world, this is a tiny GPT-2 speaking."));
    }

    @Test
    void gpt2BareLayout() throws Exception {
        Checkpoint ck = TinyDecoders.gpt2(tmp.resolve("bare"), 1, 16, 2, 32, 2, true);
        check(ck, ReferenceDecoder::gpt2, tokenize(ck, "A bare GPT2Model save has no prefix at all"));
    }

    @Test
    void llamaWithGroupedQueryAttentionUntiedHeadAndShards() throws Exception {
        Checkpoint ck = TinyDecoders.llama(tmp.resolve("llama"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 3, 3);
        check(ck, ReferenceDecoder::llama, tokenize(ck, "once upon a time there lived a small cat"));
    }

    @Test
    void qwen2WithQkvBiasesAndTiedEmbeddings() throws Exception {
        Checkpoint ck = TinyDecoders.llama(tmp.resolve("qwen2"), Family.QWEN2, 2, 32, 4, 1, 40, true, null, 1, 4);
        check(ck, ReferenceDecoder::llama, tokenize(ck, "hello world, the model is fast"));
    }

    @Test
    void mistralWithLinearRopeScaling() throws Exception {
        ObjectNode scaling = JSON.createObjectNode().put("type", "linear").put("factor", 2.0);
        Checkpoint ck = TinyDecoders.llama(tmp.resolve("mistral"), Family.MISTRAL, 2, 32, 4, 4, 40, false, scaling, 1, 5);
        check(ck, ReferenceDecoder::llama, tokenize(ck, "the dog and the cat generate a token stream"));
    }

    @Test
    void llama3RopeScaling() throws Exception {
        // head dim 8: wavelengths 6, 63, 628 and 6283; with original length 64 the last two are
        // past the low-frequency bound (divided by the factor) and the second is in the smoothed band
        ObjectNode scaling = JSON.createObjectNode().put("rope_type", "llama3").put("factor", 8.0)
                .put("low_freq_factor", 1.0).put("high_freq_factor", 4.0).put("original_max_position_embeddings", 64);
        Checkpoint ck = TinyDecoders.llama(tmp.resolve("llama3"), Family.LLAMA, 2, 32, 4, 2, 48, false, scaling, 1, 8);
        check(ck, ReferenceDecoder::llama, tokenize(ck, "the model once upon a time lived with a cat"));
    }

    @Test
    void dynamicRopeScalingPastTheTrainedLength() throws Exception {
        ObjectNode scaling = JSON.createObjectNode().put("type", "dynamic").put("factor", 2.0);
        Checkpoint ck = TinyDecoders.llama(tmp.resolve("dynamic"), Family.LLAMA, 2, 32, 4, 2, 48, false, scaling, 1, 9);
        // a trained length of 8, so that a 14-token input runs past it (and within factor x 8)
        Path configPath = ck.dir().resolve("config.json");
        Files.writeString(configPath, JSON.writeValueAsString(ck.config().put("max_position_embeddings", 8)));
        long[] ids = java.util.Arrays.copyOf(tokenize(ck, "the cat and the dog and the model and the token and the"), 14);
        assertTrue(ids[13] != 0, "the text makes at least 14 tokens");
        float[][] expected = ReferenceDecoder.llama(ck, ids);
        ModelSpec spec = RUNTIME.inspect(configPath);
        try (DecoderModel model = (DecoderModel) RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", "float32"))) {
            assertEquals(16, model.contextLength(), "dynamic scaling runs to factor times max_position_embeddings");
            FloatTensor all = model.logits(ids);
            for (int i = 0; i < ids.length; i++) {
                assertClose(expected[i], all.row(i), "dynamic, position " + i);
            }
        }
    }

    @Test
    void batchedDecodeStepsOfSequencesOfDifferentLengths() throws Exception {
        Checkpoint gpt2 = TinyDecoders.gpt2(tmp.resolve("gpt2-rows"), 2, 32, 4, 64, 6, false);
        checkRows(gpt2, ReferenceDecoder::gpt2, List.of(tokenize(gpt2, "Hi"), tokenize(gpt2, "A somewhat longer prompt here"),
                tokenize(gpt2, "Middle length text")));
        Checkpoint llama = TinyDecoders.llama(tmp.resolve("llama-rows"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 1, 7);
        checkRows(llama, ReferenceDecoder::llama, List.of(tokenize(llama, "hello"), tokenize(llama, "the cat and the dog lived"),
                tokenize(llama, "once upon a")));
    }

    @Test
    void cacheGrowsStepByStepToTheWholeContext() {
        // the cache starts small and doubles: 40 prompt positions, then single steps through its
        // growths, for GPT-2 up to its whole context (100 positions, not a power of two)
        Checkpoint gpt2 = TinyDecoders.gpt2(tmp.resolve("gpt2-long"), 2, 32, 4, 100, 8, false);
        checkSteps(gpt2, ReferenceDecoder::gpt2, 40, 100);
        Checkpoint llama = TinyDecoders.llama(tmp.resolve("llama-long"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 1, 9);
        checkSteps(llama, ReferenceDecoder::llama, 40, 128);
    }

    private static void checkSteps(Checkpoint ck, BiFunction<Checkpoint, long[], float[][]> reference, int prompt, int total) {
        long[] ids = new long[total];
        java.util.Random random = new java.util.Random(total);
        for (int i = 0; i < total; i++) {
            ids[i] = 3 + random.nextInt(90);
        }
        float[][] expected = reference.apply(ck, ids);
        ModelSpec spec = RUNTIME.inspect(ck.dir().resolve("config.json"));
        try (DecoderModel model = (DecoderModel) RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", "float32"))) {
            DecoderCache[] caches = {model.newCache(), model.newCache()};
            // row 1 runs 3 positions behind row 0, so the batched steps mix caches of different lengths
            model.nextLogits(caches[0], java.util.Arrays.copyOf(ids, prompt));
            model.nextLogits(caches[1], java.util.Arrays.copyOf(ids, prompt - 3));
            for (int i = prompt; i < total; i++) {
                float[][] rows = model.nextLogitsRows(caches, new long[] {ids[i], ids[i - 3]});
                assertClose(expected[i], rows[0], "row 0, position " + i);
                assertClose(expected[i - 3], rows[1], "row 1, position " + (i - 3));
            }
            assertEquals(total, caches[0].length());
        }
    }

    /** Prefills each prompt in its own cache, then runs two decode steps of all of them as one batch. */
    private static void checkRows(Checkpoint ck, BiFunction<Checkpoint, long[], float[][]> reference, List<long[]> prompts) {
        ModelSpec spec = RUNTIME.inspect(ck.dir().resolve("config.json"));
        try (DecoderModel model = (DecoderModel) RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", "float32"))) {
            int b = prompts.size();
            DecoderCache[] caches = new DecoderCache[b];
            List<long[]> sequences = new java.util.ArrayList<>();
            for (int i = 0; i < b; i++) {
                caches[i] = model.newCache();
                model.nextLogits(caches[i], prompts.get(i));
                sequences.add(prompts.get(i));
            }
            for (int step = 0; step < 2; step++) {
                long[] tokens = new long[b];
                for (int i = 0; i < b; i++) {
                    tokens[i] = 100 + 17 * i + step;
                    long[] seq = java.util.Arrays.copyOf(sequences.get(i), sequences.get(i).length + 1);
                    seq[seq.length - 1] = tokens[i];
                    sequences.set(i, seq);
                }
                float[][] rows = model.nextLogitsRows(caches, tokens);
                for (int i = 0; i < b; i++) {
                    float[][] expected = reference.apply(ck, sequences.get(i));
                    assertClose(expected[expected.length - 1], rows[i], "batched step " + step + ", row " + i);
                    assertEquals(sequences.get(i).length, caches[i].length());
                }
            }
        }
    }

    private static long[] tokenize(Checkpoint ck, String text) throws Exception {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(ck.dir().resolve("tokenizer.json"))) {
            return t.encode(text).getIds();
        }
    }

    private static void check(Checkpoint ck, BiFunction<Checkpoint, long[], float[][]> reference, long[] ids) {
        assertTrue(ids.length >= 8, "a prompt of several tokens");
        float[][] expected = reference.apply(ck, ids);
        ModelSpec spec = RUNTIME.inspect(ck.dir().resolve("config.json"));
        try (var loaded = RUNTIME.load(ck.dir(), spec, new LoadOptions("cpu", "float32"))) {
            DecoderModel model = assertInstanceOf(DecoderModel.class, loaded);
            FloatTensor all = model.logits(ids);
            assertEquals(ids.length, all.shape()[0]);
            for (int i = 0; i < ids.length; i++) {
                assertClose(expected[i], all.row(i), "no cache, position " + i);
            }
            try (DecoderCache cache = model.newCache()) {
                int prefill = ids.length / 2;
                float[] last = model.nextLogits(cache, java.util.Arrays.copyOf(ids, prefill));
                assertClose(expected[prefill - 1], last, "prefill");
                for (int i = prefill; i < ids.length; i++) {
                    last = model.nextLogits(cache, new long[] {ids[i]});
                    assertClose(expected[i], last, "cached step, position " + i);
                }
                assertEquals(ids.length, cache.length());
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, where + ": max |diff| " + worst);
    }
}
