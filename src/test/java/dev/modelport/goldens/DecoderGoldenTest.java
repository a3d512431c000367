package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decoder golden (GPT-2, Llama with each RoPE scaling, biases, tied embeddings, Mistral and
 * Qwen2 sliding windows; float32, bfloat16, float16 and sharded storage; transformers 4 and 5
 * configs) loaded as float32, against transformers:
 * <ul>
 *   <li>the logits of every prompt position without a cache, within {@link GoldenRuns#TOLERANCE};</li>
 *   <li>greedy decoding one token at a time through the cache (the argmax of our own logits),
 *       token for token what {@code model.generate(do_sample=False)} gave, and each step's logits
 *       within the tolerance of generate's;</li>
 *   <li>the prompts' caches stepped together with {@code nextLogitsRows}, fed transformers'
 *       tokens: the same next tokens and logits.</li>
 * </ul>
 */
class DecoderGoldenTest {

    static Stream<Goldens.Case> decoders() {
        return Goldens.decoders();
    }

    private static DecoderModel decoder(Goldens.Case c, LoadedModel loaded) {
        return assertInstanceOf(DecoderModel.class, loaded, c.name() + " loads as a decoder");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void logitsWithoutCacheEqualTransformers(Goldens.Case c) {
        try (LoadedModel loaded = GoldenRuns.load(c, "float32")) {
            DecoderModel model = decoder(c, loaded);
            Mismatches m = new Mismatches(c.name() + " logits without cache");
            int i = 0;
            for (JsonNode prompt : c.json().path("prompts")) {
                long[] ids = Goldens.longs1(prompt.path("input_ids"));
                Goldens.Tensor want = c.tensor(prompt.path("logits"));
                FloatTensor got = model.logits(ids);
                m.compare("prompt " + i++ + " (" + ids.length + " tokens) logits", want.shape(), want.data(), got.shape(),
                        got.data(), null, GoldenRuns.TOLERANCE);
            }
            m.throwIfAny();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void greedyThroughTheCacheEqualsGenerate(Goldens.Case c) {
        try (LoadedModel loaded = GoldenRuns.load(c, "float32")) {
            DecoderModel model = decoder(c, loaded);
            Mismatches m = new Mismatches(c.name() + " greedy decoding with the cache");
            int i = 0;
            for (JsonNode prompt : c.json().path("prompts")) {
                String where = "prompt " + i++;
                long[] ids = Goldens.longs1(prompt.path("input_ids"));
                long[] want = Goldens.longs1(prompt.path("greedy"));
                Goldens.Tensor stepLogits = c.tensor(prompt.path("greedy_step_logits"));
                long[] ours = new long[want.length];
                boolean diverged = false;
                try (DecoderCache cache = model.newCache()) {
                    float[] logits = model.nextLogits(cache, ids);
                    for (int step = 0; step < want.length; step++) {
                        if (!diverged) {
                            m.compare(where + " step " + step + " logits", new long[] {stepLogits.dim(1)},
                                    stepLogits.row(step), new long[] {logits.length}, logits, null, GoldenRuns.TOLERANCE);
                        }
                        ours[step] = Mismatches.argmax(logits);
                        diverged |= ours[step] != want[step];
                        if (step + 1 < want.length) {
                            logits = model.nextLogits(cache, new long[] {ours[step]});
                        }
                    }
                }
                if (!Arrays.equals(want, ours)) {
                    m.add(where + " greedy tokens " + Arrays.toString(ours) + ", transformers " + Arrays.toString(want));
                }
            }
            m.throwIfAny();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void batchedStepsEqualGenerate(Goldens.Case c) {
        try (LoadedModel loaded = GoldenRuns.load(c, "float32")) {
            DecoderModel model = decoder(c, loaded);
            Mismatches m = new Mismatches(c.name() + " batched decode steps (nextLogitsRows)");
            List<JsonNode> prompts = new ArrayList<>();
            c.json().path("prompts").forEach(prompts::add);
            int b = prompts.size();
            DecoderCache[] caches = new DecoderCache[b];
            try {
                long[][] greedy = new long[b][];
                Goldens.Tensor[] steps = new Goldens.Tensor[b];
                for (int r = 0; r < b; r++) {
                    caches[r] = model.newCache();
                    greedy[r] = Goldens.longs1(prompts.get(r).path("greedy"));
                    steps[r] = c.tensor(prompts.get(r).path("greedy_step_logits"));
                    float[] first = model.nextLogits(caches[r], Goldens.longs1(prompts.get(r).path("input_ids")));
                    if (Mismatches.argmax(first) != greedy[r][0]) {
                        m.add("row " + r + " prefill: next token " + Mismatches.argmax(first) + ", transformers " + greedy[r][0]);
                    }
                }
                int n = greedy[0].length;
                for (int step = 1; step < n; step++) {
                    long[] tokens = new long[b];
                    for (int r = 0; r < b; r++) {
                        tokens[r] = greedy[r][step - 1];
                    }
                    float[][] rows = model.nextLogitsRows(caches, tokens);
                    for (int r = 0; r < b; r++) {
                        int next = Mismatches.argmax(rows[r]);
                        if (next != greedy[r][step]) {
                            m.add("row " + r + " step " + step + ": next token " + next + ", transformers " + greedy[r][step]);
                        }
                        m.compare("row " + r + " step " + step + " logits", new long[] {steps[r].dim(1)}, steps[r].row(step),
                                new long[] {rows[r].length}, rows[r], null, GoldenRuns.TOLERANCE);
                    }
                }
            } finally {
                for (DecoderCache cache : caches) {
                    if (cache != null) {
                        cache.close();
                    }
                }
            }
            m.throwIfAny();
        }
    }
}
