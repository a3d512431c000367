package dev.modelport.pipeline;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The snapshot's tokenizer.json with our truncation and no padding. Truncation and padding are set
 * explicitly through the builder, which replaces whatever tokenizer.json stores; rows are padded
 * later, to the batch's longest, by {@link Batches}.
 */
final class TextEncoder implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    /** Each encoding call is timed for the pipeline's tokenization metric. */
    private final StageTimer timer;

    private TextEncoder(HuggingFaceTokenizer tokenizer, int maxLength, StageTimer timer) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.timer = timer;
    }

    /** Single texts, truncated to {@code maxLength} tokens (special tokens included). */
    static TextEncoder forTexts(SnapshotFiles files, int maxLength, StageTimer timer) {
        return build(files, maxLength, timer, HuggingFaceTokenizer.builder().optTruncation(true));
    }

    /**
     * (premise, hypothesis) pairs for zero-shot classification: only the premise (the first text) is
     * truncated, as transformers' zero-shot pipeline tokenizes with {@code truncation="only_first"}.
     */
    static TextEncoder forPremiseHypothesis(SnapshotFiles files, int maxLength, StageTimer timer) {
        return build(files, maxLength, timer, HuggingFaceTokenizer.builder().optTruncateFirstOnly());
    }

    /**
     * (question, context) pairs: only the context is truncated, and what does not fit comes back as
     * overflowing chunks that overlap by {@code stride} tokens.
     */
    static TextEncoder forQuestionContext(SnapshotFiles files, int maxLength, int stride, StageTimer timer) {
        return build(files, maxLength, timer, HuggingFaceTokenizer.builder().optTruncateSecondOnly().optStride(stride)
                .optWithOverflowingTokens(true));
    }

    private static TextEncoder build(SnapshotFiles files, int maxLength, StageTimer timer, HuggingFaceTokenizer.Builder builder) {
        builder.optTokenizerPath(files.tokenizerFile()).optAddSpecialTokens(true).optPadding(false)
                .optMaxLength(maxLength);
        // without it DJL caps maxLength at 512
        builder.configure(Map.of("modelMaxLength", maxLength));
        try {
            return new TextEncoder(builder.build(), maxLength, timer);
        } catch (IOException | RuntimeException e) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "Cannot load tokenizer.json: " + e.getMessage(), e);
        }
    }

    int maxLength() {
        return maxLength;
    }

    List<Encoded> encode(List<String> texts) {
        Encoding[] encodings = timer.tokenize(() -> tokenizer.batchEncode(texts.toArray(String[]::new)));
        List<Encoded> out = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            out.add(convert(encodings[i]));
        }
        return out;
    }

    /**
     * Text pairs ({@code [CLS] a [SEP] b [SEP]} or the tokenizer's own template), truncated as the
     * encoder was built to (longest first for {@link #forTexts}, the first text for
     * {@link #forPremiseHypothesis}).
     */
    List<Encoded> encodePairs(List<String> first, List<String> second) {
        ai.djl.util.PairList<String, String> pairs = new ai.djl.util.PairList<>(first, second);
        Encoding[] encodings = timer.tokenize(() -> tokenizer.batchEncode(pairs));
        List<Encoded> out = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            out.add(convert(encoding));
        }
        return out;
    }

    /** A text's tokens without special tokens and without truncation concerns (used to measure and cut questions). */
    Encoded encodeBare(String text) {
        return convert(timer.tokenize(() -> tokenizer.encode(text, false, false)));
    }

    /** The chunks of a (question, context) pair: the first encoding, then each overflowing one. */
    List<Encoded> encodePair(String question, String context) {
        Encoding first = timer.tokenize(() -> tokenizer.encode(question, context, true, true));
        List<Encoded> chunks = new ArrayList<>();
        chunks.add(convert(first));
        for (Encoding overflow : first.getOverflowing()) {
            chunks.add(convert(overflow));
        }
        return chunks;
    }

    /** How many special tokens the tokenizer adds around a pair ([CLS] a [SEP] b [SEP] gives 3). */
    int pairSpecialTokenCount() {
        int with = tokenizer.encode("a", "b", true, false).getIds().length;
        int without = tokenizer.encode("a", "b", false, false).getIds().length;
        return with - without;
    }

    String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** Offsets stay as the tokenizer gives them: code points into the text the token came from. */
    private static Encoded convert(Encoding encoding) {
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        for (int i = 0; i < ids.length; i++) {
            CharSpan span = spans[i];
            if (span == null || encoding.getSpecialTokenMask()[i] != 0) {
                continue;
            }
            starts[i] = span.getStart();
            ends[i] = span.getEnd();
        }
        return new Encoded(ids, encoding.getTypeIds(), encoding.getSpecialTokenMask(), encoding.getWordIds(),
                encoding.getSequenceIds(), encoding.getTokens(), starts, ends);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
