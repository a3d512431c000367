package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.EncodedInputs;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.Seq2SeqCache;
import dev.modelport.runtime.Seq2SeqModel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * text2text-generation, summarization and translation on an encoder-decoder (T5, BART, Marian), as
 * transformers 4.57's Text2TextGenerationPipeline, SummarizationPipeline and TranslationPipeline
 * answer: {@code [{"generated_text"}]}, {@code [{"summary_text"}]}, {@code [{"translation_text"}]}
 * per input (num_return_sequences of them; a list of inputs gives a list, flattened when each has
 * one). The task's prefix ({@code task_specific_params}, else config.json's {@code prefix}) is put
 * before each text, the texts are tokenized without truncation unless {@code truncation} asks for it,
 * encoded once as one batch, and each input is generated on its own virtual thread; decode steps of
 * every input and beam share batched forward passes ({@link GenerationBatcher}). The generation
 * settings are resolved as the pipeline resolves them ({@link Seq2SeqGenerationConfig#forPipeline}).
 * For translation, {@code src_lang} and {@code tgt_lang} pick task_specific_params'
 * {@code translation_SRC_to_TGT} entry; without them the first translation entry is used, as
 * transformers' {@code pipeline("translation")} does.
 *
 * <p>Streaming (one input, {@code "stream": true}) decodes greedily: a stream shows each token as it
 * is chosen, which beam search cannot (it knows its best sequence only at the end). A stream that
 * asks for {@code num_beams} above 1 is refused; otherwise the task's and repo's num_beams are set to
 * 1, so a stream gives the text the same request would give with {@code "num_beams": 1}.
 */
public final class Text2TextPipeline implements GenerationPipeline {
    /** The most decode-step rows in one batched pass (beams count one row each). */
    private static final int MAX_BATCH_ROWS = 32;
    /** Parameters of the pipelines themselves, not generation settings. */
    private static final Set<String> PIPELINE_PARAMETERS = Set.of("truncation", "clean_up_tokenization_spaces",
            "return_text", "return_tensors", "src_lang", "tgt_lang", "generate_parameters", "stop_sequence");

    private final Task task;
    private final Seq2SeqModel model;
    private final TextEncoder encoder;
    private final TextEncoder truncating;
    private final Seq2SeqGenerationConfig repo;
    private final JsonNode taskSpecificParams;
    private final String configPrefix;
    private final long padId;
    private final Set<Long> specialIds;
    private final GenerationBatcher<Seq2SeqCache> batcher;
    private final Seq2SeqSearch search;
    /** Shared with the encoders, which time their calls. */
    private final StageTimer timer;

    private Text2TextPipeline(Task task, Seq2SeqModel model, TextEncoder encoder, TextEncoder truncating,
            Seq2SeqGenerationConfig repo, JsonNode taskSpecificParams, String configPrefix, long padId, Set<Long> specialIds,
            StageTimer timer) {
        this.task = task;
        this.model = model;
        this.encoder = encoder;
        this.truncating = truncating;
        this.repo = repo;
        this.taskSpecificParams = taskSpecificParams;
        this.configPrefix = configPrefix;
        this.padId = padId;
        this.specialIds = specialIds;
        this.timer = timer;
        this.batcher = new GenerationBatcher<>((caches, tokens) -> model.step(caches.toArray(Seq2SeqCache[]::new), tokens),
                MAX_BATCH_ROWS, timer);
        this.search = new Seq2SeqSearch(model, batcher);
    }

    static Text2TextPipeline create(Seq2SeqModel model, SnapshotFiles files, Task task) {
        JsonNode config = files.config();
        Seq2SeqGenerationConfig repo = Seq2SeqGenerationConfig.ofRepo(Json.readOptional(files.dir()
                .resolve("generation_config.json")), config);
        Set<Long> special = new HashSet<>();
        for (JsonNode added : files.tokenizerJson().path("added_tokens")) {
            if (added.path("special").asBoolean(false)) {
                special.add(added.path("id").asLong());
            }
        }
        int limit = model.maxInputTokens();
        StageTimer timer = new StageTimer();
        TextEncoder encoder = TextEncoder.forTexts(files, limit + 1, timer);
        TextEncoder truncating;
        try {
            truncating = TextEncoder.forTexts(files, TokenLimits.maxLength(files, model.spec().facts()), timer);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        JsonNode prefix = config.path("prefix");
        return new Text2TextPipeline(task, model, encoder, truncating, repo, config.path("task_specific_params"),
                prefix.isTextual() ? prefix.asText() : null, Vocabulary.of(files).padTokenId(), Set.copyOf(special), timer);
    }

    @Override
    public Task task() {
        return task;
    }

    /** The key of each output record: generated_text, summary_text or translation_text. */
    private String outputName() {
        return switch (task) {
            case SUMMARIZATION -> "summary";
            case TRANSLATION -> "translation";
            default -> "generated";
        };
    }

    @Override
    public void listen(StageListener listener) {
        timer.listen(listener);
    }

    @Override
    public void shareDevice(DeviceGate gate) {
        batcher.gate(gate);
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        return run(inputs, parameters, GenerationListener.NONE);
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters, GenerationListener listener) {
        TextInputs texts = TextInputs.parse(inputs);
        Request request = request(parameters, false);
        List<long[]> ids = new ArrayList<>();
        for (String text : texts.texts()) {
            ids.add(tokenize(request.prefix() + text, request.truncation()));
        }
        List<List<Seq2SeqSearch.Hypothesis>> results = generateAll(ids, request.decoding(), listener);
        ArrayNode out = Json.array();
        boolean flat = results.stream().allMatch(r -> r.size() == 1);
        for (List<Seq2SeqSearch.Hypothesis> hypotheses : results) {
            ArrayNode records = Json.array();
            for (Seq2SeqSearch.Hypothesis h : hypotheses) {
                ObjectNode record = records.addObject();
                if (request.returnTensors()) {
                    ArrayNode tokens = record.putArray(outputName() + "_token_ids");
                    for (long id : h.ids()) {
                        tokens.add(id);
                    }
                } else {
                    record.put(outputName() + "_text", text(h.ids(), request.cleanUp()));
                }
            }
            if (!texts.batched()) {
                return records;
            }
            out.add(flat ? records.get(0) : records);
        }
        return out;
    }

    /** The generation's text: transformers' decode(ids, skip_special_tokens=True), and its clean-up when asked. */
    private String text(long[] ids, boolean cleanUp) {
        String text = encoder.decode(ids, true);
        return cleanUp ? cleanUpTokenizationSpaces(text) : text;
    }

    /** transformers' clean_up_tokenization: the spaces that joining tokens leaves before punctuation and English contractions. */
    static String cleanUpTokenizationSpaces(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    private List<List<Seq2SeqSearch.Hypothesis>> generateAll(List<long[]> inputs, Seq2SeqDecoding decoding,
            GenerationListener listener) {
        EncoderBatch batch = pad(inputs);
        long tokens = inputs.stream().mapToLong(ids -> ids.length).sum();
        try (EncodedInputs encoded = batcher.prefill(inputs.size(), tokens, () -> model.encode(batch))) {
            checkInterrupted();
            if (inputs.size() == 1) {
                return List.of(search.generate(encoded, 0, decoding, watch(listener)));
            }
            try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<List<Seq2SeqSearch.Hypothesis>>> running = new ArrayList<>();
                for (int i = 0; i < inputs.size(); i++) {
                    int row = i;
                    running.add(each.submit(() -> search.generate(encoded, row, decoding, watch(listener))));
                }
                List<List<Seq2SeqSearch.Hypothesis>> results = new ArrayList<>();
                try {
                    for (Future<List<Seq2SeqSearch.Hypothesis>> f : running) {
                        results.add(f.get());
                    }
                } catch (ExecutionException e) {
                    each.shutdownNow();
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
    }

    /** Each decode step shown to the listener as a token (counted, timed); the text comes with the result. */
    private Seq2SeqSearch.Watch watch(GenerationListener listener) {
        return (id, logprob, finish) -> listener.onToken(new GeneratedToken(id, "", logprob, specialIds.contains(id)), finish);
    }

    private EncoderBatch pad(List<long[]> rows) {
        int length = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[][] ids = new long[rows.size()][length];
        long[][] mask = new long[rows.size()][length];
        for (int r = 0; r < rows.size(); r++) {
            java.util.Arrays.fill(ids[r], padId);
            System.arraycopy(rows.get(r), 0, ids[r], 0, rows.get(r).length);
            java.util.Arrays.fill(mask[r], 0, rows.get(r).length, 1L);
        }
        return new EncoderBatch(ids, mask, null);
    }

    private long[] tokenize(String text, boolean truncate) {
        long[] ids = (truncate ? truncating : encoder).encode(List.of(text)).getFirst().ids();
        if (ids.length == 0) {
            throw Params.invalid("the input has no tokens");
        }
        if (ids.length > model.maxInputTokens()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "The input has more than " + model.maxInputTokens()
                    + " tokens, the most this model takes; shorten it or pass \"truncation\": true (it is then cut to "
                    + truncating.maxLength() + " tokens)");
        }
        return ids;
    }

    /** A request's settings: the input prefix, how to tokenize and decode, and the generation. */
    private record Request(String prefix, boolean truncation, boolean cleanUp, boolean returnTensors,
            Seq2SeqDecoding decoding) {
    }

    private Request request(JsonNode parameters, boolean stream) {
        Params p = Params.of(parameters);
        ObjectNode generation = Json.object();
        if (parameters != null && parameters.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!PIPELINE_PARAMETERS.contains(e.getKey())) {
                    generation.set(e.getKey(), e.getValue());
                }
            }
            JsonNode nested = parameters.get("generate_parameters");
            if (nested != null && !nested.isNull()) {
                if (!nested.isObject()) {
                    throw Params.invalid("'generate_parameters' must be an object");
                }
                generation.setAll((ObjectNode) nested);
            }
        }
        String stop = p.text("stop_sequence");
        if (stop != null) {
            long[] ids = encoder.encodeBare(stop).ids();
            if (ids.length == 0) {
                throw Params.invalid("'stop_sequence' has no tokens");
            }
            generation.put("eos_token_id", ids[0]);
        }
        if (!p.bool("return_text", true) && !p.bool("return_tensors", false)) {
            throw Params.invalid("'return_text' false needs 'return_tensors' true: there would be nothing to return");
        }
        JsonNode taskParams = taskParams(p);
        String prefix = taskParams.path("prefix").isTextual() ? taskParams.path("prefix").asText()
                : configPrefix == null ? "" : configPrefix;
        if (stream) {
            JsonNode beams = generation.get("num_beams");
            if (beams != null && beams.isNumber() && beams.asInt() > 1) {
                throw Params.invalid("a stream decodes greedily: beam search knows its best sequence only at the end;"
                        + " leave num_beams out (or 1), or do not stream");
            }
            JsonNode returned = generation.get("num_return_sequences");
            if (returned != null && returned.isNumber() && returned.asInt() > 1) {
                throw Params.invalid("a stream returns one sequence; leave num_return_sequences out");
            }
            generation.put("num_beams", 1);
        }
        Seq2SeqDecoding decoding = repo.forPipeline(taskParams.isObject() ? taskParams : null, generation)
                .resolve("the " + task.wireName() + " settings");
        return new Request(prefix, truncation(parameters), p.bool("clean_up_tokenization_spaces", false),
                p.bool("return_tensors", false), decoding);
    }

    /** The task's entry of task_specific_params (a missing node when there is none). */
    private JsonNode taskParams(Params p) {
        String src = p.text("src_lang");
        String tgt = p.text("tgt_lang");
        if (task != Task.TRANSLATION) {
            if (src != null || tgt != null) {
                throw Params.invalid("'src_lang' and 'tgt_lang' are translation parameters");
            }
            return taskSpecificParams.path(task.wireName());
        }
        if ((src == null) != (tgt == null)) {
            throw Params.invalid("give both 'src_lang' and 'tgt_lang', or neither");
        }
        if (src != null) {
            String key = "translation_" + src + "_to_" + tgt;
            JsonNode entry = taskSpecificParams.path(key);
            if (entry.isMissingNode() && hasTranslationEntries()) {
                throw Params.invalid("this model has no " + key + " settings; it has " + translationKeys());
            }
            return entry;
        }
        for (Iterator<String> it = taskSpecificParams.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("translation")) {
                return taskSpecificParams.path(key);
            }
        }
        return taskSpecificParams.path("translation");
    }

    private boolean hasTranslationEntries() {
        return !translationKeys().isEmpty();
    }

    private List<String> translationKeys() {
        List<String> keys = new ArrayList<>();
        taskSpecificParams.fieldNames().forEachRemaining(k -> {
            if (k.startsWith("translation_")) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** transformers' truncation parameter: true or a truncating strategy cut the input; false and do_not_truncate do not. */
    private static boolean truncation(JsonNode parameters) {
        JsonNode t = parameters == null ? null : parameters.get("truncation");
        if (t == null || t.isNull()) {
            return false;
        }
        if (t.isBoolean()) {
            return t.asBoolean();
        }
        if (t.isTextual()) {
            return switch (t.asText()) {
                case "longest_first", "only_first" -> true;
                case "do_not_truncate" -> false;
                default -> throw Params.invalid("'truncation' must be true, false, \"longest_first\", \"only_first\" or"
                        + " \"do_not_truncate\", got " + t);
            };
        }
        throw Params.invalid("'truncation' must be true, false or a truncation strategy, got " + t);
    }

    @Override
    public PreparedGeneration prepare(String text, JsonNode parameters, boolean addSpecialTokens) {
        Request request = request(parameters, true);
        long[] ids = tokenize(request.prefix() + text, request.truncation());
        return new PreparedGeneration() {
            @Override
            public int promptTokens() {
                return ids.length;
            }

            @Override
            public String textBefore() {
                return "";
            }

            @Override
            public GenerationResult generate(GenerationListener listener) {
                return stream(ids, request, listener);
            }
        };
    }

    /** One greedy generation whose tokens are shown to {@code listener} with their text as it becomes final. */
    private GenerationResult stream(long[] ids, Request request, GenerationListener listener) {
        Seq2SeqDecoding d = request.decoding();
        GenerationText text = new GenerationText(tokens -> encoder.decode(tokens, true), new long[] {d.decoderStart()},
                List.of());
        List<GeneratedToken> tokens = new ArrayList<>();
        String[] finish = {"length"};
        Seq2SeqSearch.Watch watch = (id, logprob, reason) -> {
            boolean special = specialIds.contains(id);
            boolean eos = d.eos().contains(id);
            String piece = eos ? "" : text.add(id);
            if (reason != null) {
                piece = piece + text.finish();
                finish[0] = reason;
            }
            GeneratedToken token = new GeneratedToken(id, piece, logprob, special);
            tokens.add(token);
            if (!listener.onToken(token, reason)) {
                finish[0] = "cancelled";
                return false;
            }
            return true;
        };
        try (EncodedInputs encoded = batcher.prefill(1, ids.length, () -> model.encode(pad(List.of(ids))))) {
            checkInterrupted();
            search.generate(encoded, 0, d, watch);
        }
        String generated = request.cleanUp() ? cleanUpTokenizationSpaces(text.text()) : text.text();
        return new GenerationResult(generated, generated, List.copyOf(tokens), ids.length, finish[0]);
    }

    /** int8 models: the decoder logits of a sample through float32 and int8, compared (before the model serves). */
    void measureQuantization(String sample) {
        if (model.dtype().equals("int8")) {
            long[] ids = tokenize(sample, true);
            long[] bare = encoder.encodeBare(sample).ids();
            long[] decoder = new long[Math.min(bare.length, 8) + 1];
            decoder[0] = repo.forGenerate(null).resolve("the repo's generation settings").decoderStart();
            System.arraycopy(bare, 0, decoder, 1, decoder.length - 1);
            model.measureQuantization(pad(List.of(ids)), decoder);
        }
    }

    @Override
    public java.util.OptionalInt countTokens(List<String> texts) {
        int total = 0;
        for (String text : texts) {
            total += encoder.encode(List.of(text)).getFirst().length();
        }
        return java.util.OptionalInt.of(total);
    }

    private static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ModelportException(ErrorCode.INTERRUPTED, "The generation was interrupted");
        }
    }

    @Override
    public void close() {
        encoder.close();
        truncating.close();
    }

    /**
     * What transformers' {@code model.generate(input_ids, **kwargs)} gives on this repo (its
     * generation_config.json and the keyword arguments, no pipeline defaults): the decoder sequences,
     * start token first. For tests that compare with transformers' generate().
     *
     * @param rawLogits each greedy step's raw logits are added to it (may be null)
     */
    public List<long[]> generateIds(long[] inputIds, JsonNode kwargs, List<float[]> rawLogits) {
        Seq2SeqDecoding d = repo.forGenerate(kwargs).resolve("generate()");
        Seq2SeqSearch.Watch watch = new Seq2SeqSearch.Watch() {
            @Override
            public boolean onToken(long id, double logprob, String finishReason) {
                return true;
            }

            @Override
            public void onLogits(float[] raw) {
                if (rawLogits != null) {
                    rawLogits.add(raw.clone());
                }
            }
        };
        try (EncodedInputs encoded = batcher.prefill(1, inputIds.length, () -> model.encode(pad(List.of(inputIds))))) {
            return search.generate(encoded, 0, d, watch).stream().map(Seq2SeqSearch.Hypothesis::ids).toList();
        }
    }
}
