package dev.modelport.pipeline;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.DecoderCache;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * text-generation: the prompt is run once into a per-generation key/value cache, then one token per
 * step is chosen ({@link SamplingStrategy}), streamed to a {@link GenerationListener}, and fed back,
 * until max_new_tokens, an eos token, a stop string, the context length, or the listener says stop.
 * Concurrent generations share the device through {@link GenerationBatcher}: forward passes in
 * fair turns, waiting decode steps batched together, so a long generation does not hold the device
 * while a newer one waits for its first token. The KV cache lives inside the model's program and
 * is freed when the generation ends, however it ends.
 */
public final class TextGenerationPipeline implements GenerationPipeline {
    /** The most decode steps run as one batch. */
    private static final int MAX_BATCH_ROWS = 16;

    private final DecoderModel model;
    private final HuggingFaceTokenizer tokenizer;
    private final GenerationDefaults defaults;
    private final Set<Long> specialIds;
    private final GenerationChatTemplate chatTemplate;
    private final GenerationBatcher<DecoderCache> batcher;
    private final StageTimer timer = new StageTimer();

    private TextGenerationPipeline(DecoderModel model, HuggingFaceTokenizer tokenizer, GenerationDefaults defaults,
            Set<Long> specialIds, GenerationChatTemplate chatTemplate) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.defaults = defaults;
        this.specialIds = specialIds;
        this.chatTemplate = chatTemplate;
        this.batcher = new GenerationBatcher<>((caches, tokens) -> model.nextLogitsRows(caches.toArray(DecoderCache[]::new),
                tokens), MAX_BATCH_ROWS, timer);
    }

    static TextGenerationPipeline create(DecoderModel model, SnapshotFiles files) {
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(files.tokenizerFile()).optAddSpecialTokens(true)
                    .optPadding(false).optTruncation(false).build();
        } catch (IOException | RuntimeException e) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "Cannot load tokenizer.json: " + e.getMessage(), e);
        }
        Set<Long> special = new HashSet<>();
        for (JsonNode added : files.tokenizerJson().path("added_tokens")) {
            if (added.path("special").asBoolean(false)) {
                special.add(added.path("id").asLong());
            }
        }
        JsonNode generationConfig = Json.readOptional(files.dir().resolve("generation_config.json"));
        return new TextGenerationPipeline(model, tokenizer, GenerationDefaults.of(generationConfig, files.config()),
                Set.copyOf(special), GenerationChatTemplate.of(files));
    }

    @Override
    public Task task() {
        return Task.TEXT_GENERATION;
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        return run(inputs, parameters, GenerationListener.NONE);
    }

    /**
     * {@link #run(JsonNode, JsonNode)} with every token shown to {@code listener} (from several
     * threads for a list input). The texts of a list are generated at once, each on its own virtual
     * thread, so their decode steps share batched forward passes like concurrent requests do; the
     * answers keep the inputs' order. A listener that stops one generation is asked again by the
     * others at their next token, so a caller that gives up stops them all.
     */
    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters, GenerationListener listener) {
        TextInputs texts = TextInputs.parse(inputs);
        GenerationParams params = GenerationParams.read(parameters, defaults);
        ArrayNode out = Json.array();
        for (GenerationResult result : generateAll(texts.texts(), params, listener)) {
            ArrayNode one = Json.array();
            one.addObject().put("generated_text", result.generatedText());
            out.add(texts.batched() ? one : one.get(0));
        }
        return out;
    }

    private List<GenerationResult> generateAll(List<String> prompts, GenerationParams params, GenerationListener listener) {
        if (prompts.size() == 1) {
            return List.of(generate(prompts.getFirst(), params, listener));
        }
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<GenerationResult>> running = prompts.stream()
                    .map(prompt -> each.submit(() -> generate(prompt, params, listener))).toList();
            List<GenerationResult> results = new ArrayList<>();
            try {
                for (Future<GenerationResult> f : running) {
                    results.add(f.get());
                }
            } catch (ExecutionException e) {
                each.shutdownNow(); // the others stop at their next step
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the generation failed", e.getCause());
            } catch (InterruptedException e) {
                each.shutdownNow();
                Thread.currentThread().interrupt();
                throw new ModelportException(ErrorCode.INTERRUPTED, "The generation was interrupted");
            }
            return results;
        }
    }

    @Override
    public void listen(StageListener listener) {
        timer.listen(listener);
    }

    /** Lets the serving layer lend the device to each forward pass (see {@link DeviceGate}). */
    @Override
    public void shareDevice(DeviceGate gate) {
        batcher.gate(gate);
    }

    /** Reads {@code parameters} against the repo's defaults (INVALID_INPUT for a bad one). */
    public GenerationParams parameters(JsonNode parameters) {
        return GenerationParams.read(parameters, defaults);
    }

    @Override
    public PreparedGeneration prepare(String text, JsonNode parameters, boolean addSpecialTokens) {
        GenerationParams params = parameters(parameters);
        int tokens = checkPrompt(text, addSpecialTokens);
        return new PreparedGeneration() {
            @Override
            public int promptTokens() {
                return tokens;
            }

            @Override
            public String textBefore() {
                return params.returnFullText() ? text : "";
            }

            @Override
            public GenerationResult generate(GenerationListener listener) {
                return TextGenerationPipeline.this.generate(text, params, listener, addSpecialTokens, true);
            }
        };
    }

    /** The chat template of the tokenizer, if the repo has one. */
    public java.util.Optional<GenerationChatTemplate> chatTemplate() {
        return java.util.Optional.ofNullable(chatTemplate);
    }

    /**
     * Tokenizes a prompt and checks it against the context length, so that a streaming route can
     * refuse it with a plain error before its stream starts.
     *
     * @return the prompt's token count
     */
    /**
     * int8 models: the prompt's logits through float32 and int8, compared and kept by the model
     * ({@link DecoderModel#measureQuantization}); runs at creating, before the model serves.
     */
    void measureQuantization(String prompt) {
        if (model.dtype().equals("int8")) {
            long[] ids = encode(prompt, true);
            model.measureQuantization(Arrays.copyOf(ids, Math.min(ids.length, model.contextLength())));
        }
    }

    public int checkPrompt(String prompt, boolean addSpecialTokens) {
        return promptIds(prompt, addSpecialTokens).length;
    }

    /** The prompt's token ids, checked against the context length (INPUT_TOO_LARGE, INVALID_INPUT when empty). */
    public long[] promptIds(String prompt, boolean addSpecialTokens) {
        return checked(encode(prompt, addSpecialTokens));
    }

    /**
     * A prompt given as token ids (OpenAI's token-array prompts), used as they are: no special tokens
     * are added. INVALID_INPUT for an id outside the vocabulary, INPUT_TOO_LARGE over the context.
     */
    public long[] checkIds(long[] ids) {
        TokenIds.checkVocabulary(ids, model.vocabSize());
        return checked(ids);
    }

    private long[] checked(long[] promptIds) {
        if (promptIds.length == 0) {
            throw Params.invalid("the input has no tokens; give some text to continue");
        }
        int context = model.contextLength();
        if (promptIds.length >= context) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "The input has " + promptIds.length
                    + " tokens; this model's context is " + context + " tokens, including the generated ones");
        }
        return promptIds;
    }

    public GenerationResult generate(String prompt, GenerationParams params, GenerationListener listener) {
        return generate(prompt, params, listener, true, true);
    }

    /**
     * @param addSpecialTokens false for a prompt already rendered with its special tokens (a chat template)
     * @param useCache false recomputes the whole sequence every step (for comparison only)
     */
    public GenerationResult generate(String prompt, GenerationParams params, GenerationListener listener,
            boolean addSpecialTokens, boolean useCache) {
        return generate(checked(encode(prompt, addSpecialTokens)), prompt, params, listener, useCache);
    }

    /** Generates from checked prompt ids ({@link #promptIds}, {@link #checkIds}). */
    public GenerationResult generate(long[] promptIds, GenerationParams params, GenerationListener listener) {
        return generate(promptIds, null, params, listener, true);
    }

    /** @param prompt the prompt's text for return_full_text; null decodes it from the ids when needed */
    private GenerationResult generate(long[] promptIds, String prompt, GenerationParams params, GenerationListener listener,
            boolean useCache) {
        int context = model.contextLength();
        int budget = Math.min(params.maxNewTokens(), context - promptIds.length);
        SamplingStrategy sampler = new SamplingStrategy(params);
        GenerationText text = new GenerationText(ids -> tokenizer.decode(ids, true), promptIds, params.stop());
        Set<Long> seen = new LinkedHashSet<>();
        for (long id : promptIds) {
            seen.add(id);
        }
        List<GeneratedToken> tokens = new ArrayList<>();
        long[] sequence = promptIds.clone();
        String finish = "length";
        try (DecoderCache cache = model.newCache()) {
            float[] logits = batcher.prefill(1, promptIds.length, () -> model.nextLogits(cache, promptIds));
            checkInterrupted();
            if (useCache) {
                batcher.join();
            }
            try {
                while (tokens.size() < budget) {
                    SamplingStrategy.Choice choice = sampler.next(logits, seen);
                    long id = choice.id();
                    boolean eos = params.eosTokenIds().contains(id);
                    boolean special = specialIds.contains(id);
                    String piece = eos ? "" : text.add(id);
                    TokenLogprobs logprobs = logprobs(id, choice.raw());
                    GeneratedToken token = new GeneratedToken(id, piece, choice.logprob(), special, logprobs);
                    if (eos) {
                        finish = "eos_token";
                    } else if (text.stopped()) {
                        finish = "stop_sequence";
                    }
                    boolean last = eos || text.stopped() || tokens.size() + 1 == budget;
                    if (last) {
                        token = new GeneratedToken(id, piece + text.finish(), choice.logprob(), special, logprobs);
                    }
                    tokens.add(token);
                    if (!listener.onToken(token, last ? finish : null)) {
                        finish = "cancelled";
                        break;
                    }
                    if (last) {
                        break;
                    }
                    seen.add(id);
                    sequence = java.util.Arrays.copyOf(sequence, sequence.length + 1);
                    sequence[sequence.length - 1] = id;
                    long[] all = sequence;
                    logits = useCache ? batcher.step(cache, id) : batcher.prefill(1, all.length, () -> recompute(all));
                    checkInterrupted();
                }
            } finally {
                if (useCache) {
                    batcher.leave();
                }
            }
        }
        String generated = text.text();
        String full = !params.returnFullText() ? generated
                : (prompt == null ? tokenizer.decode(promptIds, true) : prompt) + generated;
        return new GenerationResult(full, generated, List.copyOf(tokens), promptIds.length, finish);
    }

    /** The sampler's raw log-probabilities with each alternative's text; null when not asked for. */
    private TokenLogprobs logprobs(long id, SamplingStrategy.Raw raw) {
        if (raw == null) {
            return null;
        }
        List<TokenLogprobs.Alternative> top = new ArrayList<>(raw.topIds().length);
        for (int i = 0; i < raw.topIds().length; i++) {
            top.add(new TokenLogprobs.Alternative(raw.topIds()[i], tokenText(raw.topIds()[i]), raw.topLogprobs()[i]));
        }
        return new TokenLogprobs(tokenText(id), raw.logprob(), List.copyOf(top));
    }

    /** The next-token logits of the whole sequence run again from position 0 (no cache kept). */
    private float[] recompute(long[] sequence) {
        try (DecoderCache fresh = model.newCache()) {
            return model.nextLogits(fresh, sequence);
        }
    }

    /** A generation whose caller gave up (timeout, shutdown) stops between steps. */
    private static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ModelportException(ErrorCode.INTERRUPTED, "The generation was interrupted");
        }
    }

    private long[] encode(String text, boolean addSpecialTokens) {
        return timer.tokenize(() -> tokenizer.encode(text, addSpecialTokens, false)).getIds();
    }

    /** The text of one token id, special tokens included (e.g. to show an eos token). */
    public String tokenText(long id) {
        return tokenizer.decode(new long[] {id}, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
