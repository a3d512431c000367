package dev.modelport.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GeneratedToken;
import dev.modelport.pipeline.GenerationChatTemplate.Message;
import dev.modelport.pipeline.GenerationListener;
import dev.modelport.pipeline.GenerationParams;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.pipeline.TextGenerationPipeline;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.testing.decoders.ReferenceDecoder;
import dev.modelport.testing.decoders.SmallBpeTokenizer;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Checkpoint;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text-generation pipeline over tiny GPT-2 and Llama checkpoints: decoding, stopping, streaming, chat. */
class TextGenerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DjlModelRuntime RUNTIME = new DjlModelRuntime(0);

    @TempDir
    static Path tmp;
    static Checkpoint gpt2Ck;
    static Checkpoint llamaCk;
    static LoadedModel gpt2Model;
    static LoadedModel llamaModel;
    static TextGenerationPipeline gpt2;
    static TextGenerationPipeline llama;

    @BeforeAll
    static void load() {
        gpt2Ck = TinyDecoders.gpt2(tmp.resolve("gpt2"), 2, 32, 4, 64, 11, false);
        llamaCk = TinyDecoders.llama(tmp.resolve("llama"), Family.LLAMA, 2, 32, 4, 2, 48, false, null, 1, 12);
        gpt2Model = load(gpt2Ck);
        llamaModel = load(llamaCk);
        gpt2 = pipeline(gpt2Model, gpt2Ck);
        llama = pipeline(llamaModel, llamaCk);
    }

    private static LoadedModel load(Checkpoint ck) {
        return RUNTIME.load(ck.dir(), RUNTIME.inspect(ck.dir().resolve("config.json")), new LoadOptions("cpu", "float32"));
    }

    private static TextGenerationPipeline pipeline(LoadedModel model, Checkpoint ck) {
        TaskPipelineFactory factory = new TaskPipelineFactory();
        assertEquals(Task.TEXT_GENERATION, factory.resolveTask(model.spec(), null, null));
        return (TextGenerationPipeline) factory.create(model, ck.dir(), Task.TEXT_GENERATION);
    }

    @AfterAll
    static void close() {
        gpt2.close();
        llama.close();
        gpt2Model.close();
        llamaModel.close();
    }

    private static GenerationParams params(TextGenerationPipeline p, String json) throws Exception {
        return p.parameters(JSON.readTree(json));
    }

    @Test
    void greedyContinuationIsTheSameWithAndWithoutTheCache() throws Exception {
        for (TextGenerationPipeline p : List.of(gpt2, llama)) {
            GenerationParams greedy = params(p, "{\"max_new_tokens\": 32, \"do_sample\": false}");
            GenerationResult cached = p.generate("Hello world, the model", greedy, GenerationListener.NONE, true, true);
            GenerationResult recomputed = p.generate("Hello world, the model", greedy, GenerationListener.NONE, true, false);
            assertEquals(32, cached.generatedTokens(), "no eos in the way: " + cached.finishReason());
            assertEquals(ids(recomputed), ids(cached));
            assertEquals(recomputed.generatedText(), cached.generatedText());
        }
    }

    @Test
    void greedyTokensAreTheReferenceArgmax() throws Exception {
        GenerationResult r = llama.generate("once upon a time", params(llama, "{\"max_new_tokens\": 12}"),
                GenerationListener.NONE);
        List<Long> seq = new ArrayList<>();
        seq.add((long) SmallBpeTokenizer.BOS);
        try (var t = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(llamaCk.dir().resolve("tokenizer.json"))) {
            seq.clear();
            for (long id : t.encode("once upon a time").getIds()) {
                seq.add(id);
            }
        }
        assertEquals(SmallBpeTokenizer.BOS, seq.get(0), "the post-processor adds <s>");
        for (GeneratedToken token : r.tokens()) {
            float[][] logits = ReferenceDecoder.llama(llamaCk, seq.stream().mapToLong(Long::longValue).toArray());
            float[] last = logits[logits.length - 1];
            int best = 0;
            for (int i = 1; i < last.length; i++) {
                best = last[i] > last[best] ? i : best;
            }
            assertEquals(best, token.id());
            seq.add(token.id());
        }
    }

    @Test
    void concurrentGenerationsGiveWhatTheyGiveAlone() throws Exception {
        List<String> prompts = List.of("Hello", "The weather today is", "Once upon a time in a land far away", "A");
        String json = "{\"max_new_tokens\": 16, \"do_sample\": true, \"seed\": 11}";
        List<String> alone = new ArrayList<>();
        for (String prompt : prompts) {
            alone.add(gpt2.generate(prompt, params(gpt2, json), GenerationListener.NONE).generatedText());
        }
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> together = new ArrayList<>();
            for (String prompt : prompts) {
                together.add(pool.submit(() -> gpt2.generate(prompt, params(gpt2, json), GenerationListener.NONE).generatedText()));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(alone.get(i), together.get(i).get(), "decode steps batched with others change nothing");
            }
        }
    }

    @Test
    void aListInputIsGeneratedTogetherAndAnsweredInOrder() throws Exception {
        List<String> prompts = List.of("Hello", "The weather today is", "Once upon a time in a land far away");
        String json = "{\"max_new_tokens\": 24, \"do_sample\": true, \"seed\": 5}";
        List<String> alone = new ArrayList<>();
        for (String prompt : prompts) {
            alone.add(gpt2.generate(prompt, params(gpt2, json), GenerationListener.NONE).generatedText());
        }
        java.util.concurrent.atomic.AtomicInteger widest = new java.util.concurrent.atomic.AtomicInteger();
        gpt2.shareDevice(new dev.modelport.pipeline.DeviceGate() {
            @Override
            public <T> T pass(int sequences, java.util.function.Supplier<T> forward) {
                widest.accumulateAndGet(sequences, Math::max);
                return forward.get();
            }
        });
        try {
            JsonNode out = gpt2.run(JSON.valueToTree(prompts), JSON.readTree(json));
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(alone.get(i), out.get(i).get(0).get("generated_text").asText(), "answer " + i + " in input order");
            }
            assertTrue(widest.get() >= 2, "the texts' decode steps shared a pass (widest " + widest.get() + ")");
        } finally {
            gpt2.shareDevice(dev.modelport.pipeline.DeviceGate.DIRECT);
        }
    }

    @Test
    void aSeedReproducesTheSampledText() throws Exception {
        String json = "{\"do_sample\": true, \"temperature\": 1.3, \"top_k\": 40, \"top_p\": 0.95, \"max_new_tokens\": 20, \"seed\": %d}";
        String first = gpt2.generate("Once upon a time", params(gpt2, json.formatted(7)), GenerationListener.NONE).newText();
        String again = gpt2.generate("Once upon a time", params(gpt2, json.formatted(7)), GenerationListener.NONE).newText();
        assertEquals(first, again);
        Set<String> texts = new HashSet<>();
        for (int seed = 1; seed <= 4; seed++) {
            texts.add(gpt2.generate("Once upon a time", params(gpt2, json.formatted(seed)), GenerationListener.NONE).newText());
        }
        assertTrue(texts.size() > 1, "different seeds sample different texts");
    }

    @Test
    void stopCutsExactlyBeforeTheStopString() throws Exception {
        String base = "{\"do_sample\": true, \"seed\": 3, \"max_new_tokens\": 30%s}";
        String free = gpt2.generate("The", params(gpt2, base.formatted("")), GenerationListener.NONE).newText();
        assertTrue(free.length() > 12, free);
        String stop = free.substring(8, 11);
        int at = free.indexOf(stop);
        GenerationResult stopped = gpt2.generate("The", params(gpt2, base.formatted(", \"stop\": [\"zzzz\", "
                + JSON.writeValueAsString(stop) + "]")), GenerationListener.NONE);
        assertEquals(free.substring(0, at), stopped.newText());
        assertEquals("stop_sequence", stopped.finishReason());
        assertEquals("The" + free.substring(0, at), stopped.generatedText(), "return_full_text defaults to true");
    }

    @Test
    void streamedTokensConcatenateToTheText() throws Exception {
        for (String extra : List.of("", ", \"stop\": [\"e\"]")) {
            GenerationParams p = params(gpt2, "{\"do_sample\": true, \"seed\": 5, \"max_new_tokens\": 25, "
                    + "\"return_full_text\": false" + extra + "}");
            StringBuilder streamed = new StringBuilder();
            List<GeneratedToken> events = new ArrayList<>();
            List<String> finishes = new ArrayList<>();
            GenerationResult r = gpt2.generate("Streaming is", p, (t, finish) -> {
                events.add(t);
                finishes.add(finish);
                streamed.append(t.text());
                return true;
            });
            assertEquals(r.generatedText(), streamed.toString());
            assertEquals(r.tokens(), events);
            assertEquals(r.finishReason(), finishes.get(finishes.size() - 1), "the last token carries the finish reason");
            assertTrue(finishes.subList(0, finishes.size() - 1).stream().allMatch(java.util.Objects::isNull));
            for (GeneratedToken t : events) {
                assertTrue(t.logprob() <= 0, "a log-probability");
            }
        }
    }

    @Test
    void aListenerThatStopsEndsTheGeneration() throws Exception {
        int[] seen = {0};
        GenerationResult r = gpt2.generate("Hi", params(gpt2, "{\"max_new_tokens\": 30}"), (t, finish) -> ++seen[0] < 3);
        assertEquals(3, r.generatedTokens());
        assertEquals("cancelled", r.finishReason());
    }

    @Test
    void eosTokenIdsFromGenerationConfigEndTheGeneration() throws Exception {
        long first = llama.generate("hello", params(llama, "{\"max_new_tokens\": 1}"), GenerationListener.NONE)
                .tokens().get(0).id();
        Path dir = tmp.resolve("llama-eos");
        Checkpoint ck = TinyDecoders.llama(dir, Family.LLAMA, 2, 32, 4, 2, 48, false, null, 1, 12);
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [999, " + first + "], \"max_new_tokens\": 9}");
        try (LoadedModel m = load(ck); TextGenerationPipeline p = pipeline(m, ck)) {
            GenerationResult r = p.generate("hello", p.parameters(null), GenerationListener.NONE);
            assertEquals("eos_token", r.finishReason());
            assertEquals(1, r.generatedTokens());
            assertEquals("hello", r.generatedText(), "the eos token adds no text");
            GenerationResult longer = p.generate("the cat", p.parameters(null), GenerationListener.NONE);
            assertTrue(longer.generatedTokens() <= 9, "max_new_tokens default from generation_config.json");
        }
    }

    @Test
    void theContextLengthIsEnforced() throws Exception {
        String longPrompt = "word ".repeat(80);
        ModelportException e = assertThrows(ModelportException.class,
                () -> gpt2.generate(longPrompt, params(gpt2, "{}"), GenerationListener.NONE));
        assertEquals(ErrorCode.INPUT_TOO_LARGE, e.code());
        String prompt = "word ".repeat(50);
        GenerationResult r = gpt2.generate(prompt, params(gpt2, "{\"max_new_tokens\": 100}"), GenerationListener.NONE);
        assertEquals(64, r.promptTokens() + r.generatedTokens(), "generation stops at the context length");
        assertEquals("length", r.finishReason());
    }

    @Test
    void runAnswersTheInferenceApiShape() throws Exception {
        JsonNode one = gpt2.run(TextNode.valueOf("Hello"), JSON.readTree("{\"max_new_tokens\": 3}"));
        assertTrue(one.isArray() && one.size() == 1, one.toString());
        assertTrue(one.get(0).get("generated_text").asText().startsWith("Hello"));
        JsonNode two = gpt2.run(JSON.readTree("[\"a\", \"b\"]"), JSON.readTree("{\"max_new_tokens\": 2}"));
        assertEquals(2, two.size());
        assertTrue(two.get(1).get(0).get("generated_text").asText().startsWith("b"));
        ModelportException bad = assertThrows(ModelportException.class,
                () -> gpt2.run(TextNode.valueOf("x"), JSON.readTree("{\"top_p\": 1.5}")));
        assertEquals(ErrorCode.INVALID_INPUT, bad.code());
    }

    @Test
    void chatTemplateRendersMessages() {
        var template = llama.chatTemplate().orElseThrow();
        String prompt = template.render(List.of(new Message("system", "Be brief."), new Message("user", "hello")));
        assertEquals("<s><|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n",
                prompt);
        ModelportException e = assertThrows(ModelportException.class,
                () -> template.render(List.of(new Message("robot", "beep"))));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("unknown role robot"), e.getMessage());
        assertFalse(gpt2.chatTemplate().isPresent(), "GPT-2 has no chat template");
    }

    private static List<Long> ids(GenerationResult r) {
        return r.tokens().stream().map(GeneratedToken::id).toList();
    }
}
