package dev.modelport.pipeline;

import dev.modelport.runtime.FloatTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * question-answering, as transformers 4.57 answers it: {@code {"question","context"}} (or a list of
 * them) gives {@code {"answer","score","start","end"}} (a list of them when {@code top_k} > 1),
 * {@code start}/{@code end} in code points of the context. The question is cut to
 * {@code max_question_len} tokens (64); a long context is split into chunks of at most 384 tokens
 * overlapping by 128, chunks of all inputs run together in batches of 16. Each chunk's best spans
 * ({@link SpanDecoder}) are widened to whole words and gathered in {@link RankedAnswers}, where the
 * same text found again adds its score. {@code handle_impossible_answer} adds the empty answer
 * scored by the smallest CLS score.
 */
final class QuestionAnsweringPipeline implements Pipeline {
    static final int MAX_SEQ_LEN = 384;
    static final int DOC_STRIDE = 128;
    static final int CHUNKS_PER_FORWARD = 16;

    private final PipelineContext context;
    private final TextEncoder pairEncoder;
    private final int maxSeqLen;
    private final int stride;
    private final int pairSpecialTokens;
    private final OptionalLong clsId;

    QuestionAnsweringPipeline(PipelineContext context) {
        this.context = context;
        this.maxSeqLen = Math.min(context.encoder().maxLength(), MAX_SEQ_LEN);
        this.stride = Math.min(maxSeqLen / 2, DOC_STRIDE);
        this.pairEncoder = TextEncoder.forQuestionContext(context.files(), maxSeqLen, stride, context.timer());
        this.pairSpecialTokens = pairEncoder.pairSpecialTokenCount();
        this.clsId = context.vocabulary().clsTokenId();
    }

    @Override
    public Task task() {
        return Task.QUESTION_ANSWERING;
    }

    private record Question(String question, String context) {
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        boolean batched = inputs != null && inputs.isArray();
        List<Question> questions = parse(inputs);
        Params params = Params.of(parameters);
        for (String fixed : List.of("max_seq_len", "doc_stride")) {
            if (params.has(fixed)) {
                throw Params.invalid("'" + fixed + "' is fixed for a deployment (max_seq_len " + maxSeqLen
                        + ", doc_stride " + stride + ")");
            }
        }
        int topK = params.positiveInt("top_k", 1);
        int maxAnswerLen = params.positiveInt("max_answer_len", 15);
        int maxQuestionLen = params.positiveInt("max_question_len", 64);
        boolean impossible = params.bool("handle_impossible_answer", false);
        boolean alignToWords = params.bool("align_to_words", true);

        List<Encoded> chunks = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int q = 0; q < questions.size(); q++) {
            Question item = questions.get(q);
            for (Encoded chunk : pairEncoder.encodePair(cutQuestion(item.question(), maxQuestionLen), item.context())) {
                chunks.add(chunk);
                owner.add(q);
            }
        }
        float[][][] logits = startEndLogits(chunks);
        // transformers looks at more spans than it answers when aligning to words: several token
        // spans can widen to the same words and become one answer
        int candidates = alignToWords ? (int) Math.min(Integer.MAX_VALUE, topK * 2L + 10) : topK;
        List<RankedAnswers> answers = new ArrayList<>();
        List<CodePointText> contexts = new ArrayList<>();
        double[] nullScores = new double[questions.size()];
        for (Question question : questions) {
            answers.add(new RankedAnswers());
            contexts.add(new CodePointText(question.context()));
        }
        Arrays.fill(nullScores, 1_000_000);
        for (int c = 0; c < chunks.size(); c++) {
            Encoded chunk = chunks.get(c);
            SpanDecoder.ChunkResult result = SpanDecoder.decode(logits[c][0], logits[c][1], allowed(chunk), candidates,
                    maxAnswerLen);
            int q = owner.get(c);
            nullScores[q] = Math.min(nullScores[q], result.nullScore());
            for (SpanDecoder.Span span : result.spans()) {
                int[] chars = alignToWords ? wordChars(chunk, span.start(), span.end())
                        : tokenChars(chunk, span.start(), span.end());
                answers.get(q).add(contexts.get(q).slice(chars[0], chars[1]), span.score(), chars[0], chars[1]);
            }
        }
        ArrayNode results = Json.array();
        for (int q = 0; q < questions.size(); q++) {
            List<RankedAnswers.Answer> ranked = answers.get(q).top(topK, impossible ? nullScores[q] : null);
            if (ranked.size() == 1) {
                results.add(ranked.getFirst().toJson());
            } else {
                ArrayNode list = results.addArray();
                ranked.forEach(a -> list.add(a.toJson()));
            }
        }
        return batched ? results : results.get(0);
    }

    /**
     * Start and end logits per chunk. Chunks run in groups of {@link #CHUNKS_PER_FORWARD}: a long
     * context makes many chunks, and one batch of all of them would need memory in proportion.
     */
    private float[][][] startEndLogits(List<Encoded> chunks) {
        float[][][] out = new float[chunks.size()][][];
        for (int from = 0; from < chunks.size(); from += CHUNKS_PER_FORWARD) {
            List<Encoded> group = chunks.subList(from, Math.min(chunks.size(), from + CHUNKS_PER_FORWARD));
            FloatTensor logits = context.forward(group);
            for (int g = 0; g < group.size(); g++) {
                int length = group.get(g).length();
                float[] start = new float[length];
                float[] end = new float[length];
                for (int t = 0; t < length; t++) {
                    float[] pair = logits.row(g, t);
                    start[t] = pair[0];
                    end[t] = pair[1];
                }
                out[from + g] = new float[][] {start, end};
            }
        }
        return out;
    }

    private static List<Question> parse(JsonNode inputs) {
        List<Question> out = new ArrayList<>();
        if (inputs != null && inputs.isObject()) {
            out.add(parseOne(inputs));
        } else if (inputs != null && inputs.isArray() && !inputs.isEmpty()) {
            for (JsonNode item : inputs) {
                out.add(parseOne(item));
            }
        } else {
            throw Params.invalid("'inputs' must be {\"question\": \"...\", \"context\": \"...\"} or a non-empty list of them");
        }
        return out;
    }

    private static Question parseOne(JsonNode item) {
        if (!item.isObject()) {
            throw Params.invalid("each input must be an object {\"question\": \"...\", \"context\": \"...\"}");
        }
        for (String key : List.of("question", "context")) {
            JsonNode value = item.get(key);
            if (value == null || !value.isTextual()) {
                throw Params.invalid("each input needs a string '" + key + "'");
            }
            if (value.asText().isBlank()) {
                throw Params.invalid("'" + key + "' cannot be empty");
            }
        }
        return new Question(item.get("question").asText(), item.get("context").asText());
    }

    /**
     * Cuts the question to its first tokens so that the context keeps more room than the stride
     * (the tokenizer cannot split a context into chunks otherwise).
     */
    private String cutQuestion(String question, int maxQuestionLen) {
        int limit = Math.min(maxQuestionLen, maxSeqLen - pairSpecialTokens - stride - 1);
        if (limit < 1) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "The model's input limit leaves no room for a question");
        }
        Encoded tokens = context.encoder().encodeBare(question);
        if (tokens.length() <= limit) {
            return question;
        }
        return question.substring(0, new CodePointText(question).utf16Index(tokens.ends()[limit - 1]));
    }

    /** Context tokens may be in an answer; so may CLS, whose probability is the no-answer score. */
    private boolean[] allowed(Encoded chunk) {
        boolean[] allowed = new boolean[chunk.length()];
        for (int t = 0; t < chunk.length(); t++) {
            boolean isCls = clsId.isPresent() && chunk.ids()[t] == clsId.getAsLong();
            allowed[t] = chunk.sequenceIds()[t] == 1 || isCls;
        }
        return allowed;
    }

    private static int[] tokenChars(Encoded chunk, int s, int e) {
        return new int[] {Math.max(chunk.starts()[s], 0), Math.max(chunk.ends()[e], 0)};
    }

    /**
     * Widens the span to whole words (transformers' align_to_words: {@code word_to_chars} of the
     * start and end tokens' words, i.e. from the first token of the start word to the last token of
     * the end word, in this chunk's context tokens); a token outside any word (CLS) keeps its offsets.
     */
    private static int[] wordChars(Encoded chunk, int s, int e) {
        long startWord = chunk.wordIds()[s];
        long endWord = chunk.wordIds()[e];
        if (startWord < 0 || endWord < 0) {
            return tokenChars(chunk, s, e);
        }
        int start = -1;
        int end = -1;
        for (int t = 0; t < chunk.length(); t++) {
            if (chunk.sequenceIds()[t] != 1) {
                continue;
            }
            if (start < 0 && chunk.wordIds()[t] == startWord) {
                start = chunk.starts()[t];
            }
            if (chunk.wordIds()[t] == endWord) {
                end = chunk.ends()[t];
            }
        }
        return new int[] {start, end};
    }

    @Override
    public void listen(StageListener listener) {
        context.listen(listener);
    }

    @Override
    public void close() {
        pairEncoder.close();
        context.encoder().close();
    }
}
