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
 * later, to the batch's longest, by {@link Batches}. A MarianTokenizer repo (no tokenizer.json) is
 * tokenized by {@link MarianTokenizer} instead, for single texts only (it serves translation).
 */
final class TextEncoder implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final MarianTokenizer marian;
    private final int maxLength;
    /** Each encoding call is timed for the pipeline's tokenization metric. */
    private final StageTimer timer;

    private TextEncoder(HuggingFaceTokenizer tokenizer, int maxLength, StageTimer timer) {
        this.tokenizer = tokenizer;
        this.marian = null;
        this.maxLength = maxLength;
        this.timer = timer;
    }

    private TextEncoder(MarianTokenizer marian, int maxLength, StageTimer timer) {
        this.tokenizer = null;
        this.marian = marian;
        this.maxLength = maxLength;
        this.timer = timer;
    }

    /** Single texts, truncated to {@code maxLength} tokens (special tokens included). */
    static TextEncoder forTexts(SnapshotFiles files, int maxLength, StageTimer timer) {
        if (files.marian() != null) {
            return new TextEncoder(files.marian(), maxLength, timer);
        }
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

    /**
     * Texts and pairs whole, never truncated: what {@link Tokenization} shows and measures (a TEI
     * client asks for every token, and for an error rather than a silent cut when truncation is off).
     * Untimed: these calls are not a stage of an inference.
     */
    static TextEncoder whole(SnapshotFiles files, int maxLength) {
        if (files.marian() != null) {
            return new TextEncoder(files.marian(), 0, new StageTimer()); // 0: Marian's encode does not cut
        }
        return build(files, maxLength, new StageTimer(), HuggingFaceTokenizer.builder().optTruncation(false));
    }

    private static TextEncoder build(SnapshotFiles files, int maxLength, StageTimer timer,
                                     HuggingFaceTokenizer.Builder builder) {
        if (files.marian() != null) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "A MarianTokenizer repo tokenizes single texts"
                    + " (translation), not text pairs");
        }
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
        return encode(texts, true);
    }

    /** The texts with or without the tokenizer's special tokens ([CLS] ... [SEP]; Marian's closing {@code </s>}). */
    List<Encoded> encode(List<String> texts, boolean addSpecialTokens) {
        if (marian != null) {
            return timer.tokenize(() -> texts.stream().map(t -> marian.encode(t, addSpecialTokens, maxLength)).toList());
        }
        Encoding[] encodings = timer.tokenize(
                () -> tokenizer.batchEncode(texts.toArray(String[]::new), addSpecialTokens, false));
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
        Encoding[] encodings = timer.tokenize(() -> pairTokenizer().batchEncode(pairs));
        List<Encoded> out = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            out.add(convert(encoding));
        }
        return out;
    }

    /** A text's tokens without special tokens and without truncation concerns (used to measure and cut questions). */
    Encoded encodeBare(String text) {
        if (marian != null) {
            return timer.tokenize(() -> marian.encode(text, false, 0));
        }
        return convert(timer.tokenize(() -> tokenizer.encode(text, false, false)));
    }

    /** The chunks of a (question, context) pair: the first encoding, then each overflowing one. */
    List<Encoded> encodePair(String question, String context) {
        Encoding first = timer.tokenize(() -> pairTokenizer().encode(question, context, true, true));
        List<Encoded> chunks = new ArrayList<>();
        chunks.add(convert(first));
        for (Encoding overflow : first.getOverflowing()) {
            chunks.add(convert(overflow));
        }
        return chunks;
    }

    /** How many special tokens the tokenizer adds around a pair ([CLS] a [SEP] b [SEP] gives 3). */
    int pairSpecialTokenCount() {
        int with = pairTokenizer().encode("a", "b", true, false).getIds().length;
        int without = pairTokenizer().encode("a", "b", false, false).getIds().length;
        return with - without;
    }

    private HuggingFaceTokenizer pairTokenizer() {
        if (tokenizer == null) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "A MarianTokenizer repo tokenizes single texts"
                    + " (translation), not text pairs");
        }
        return tokenizer;
    }

    String decode(long[] ids, boolean skipSpecialTokens) {
        if (marian != null) {
            return marian.decode(ids, skipSpecialTokens);
        }
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
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
