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

    private TextEncoder(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** Single texts, truncated to {@code maxLength} tokens (special tokens included). */
    static TextEncoder forTexts(SnapshotFiles files, int maxLength) {
        return build(files, maxLength, HuggingFaceTokenizer.builder().optTruncation(true));
    }

    /**
     * (question, context) pairs: only the context is truncated, and what does not fit comes back as
     * overflowing chunks that overlap by {@code stride} tokens.
     */
    static TextEncoder forQuestionContext(SnapshotFiles files, int maxLength, int stride) {
        return build(files, maxLength, HuggingFaceTokenizer.builder().optTruncateSecondOnly().optStride(stride)
                .optWithOverflowingTokens(true));
    }

    private static TextEncoder build(SnapshotFiles files, int maxLength, HuggingFaceTokenizer.Builder builder) {
        builder.optTokenizerPath(files.tokenizerFile()).optAddSpecialTokens(true).optPadding(false)
                .optMaxLength(maxLength);
        // without it DJL caps maxLength at 512
        builder.configure(Map.of("modelMaxLength", maxLength));
        try {
            return new TextEncoder(builder.build(), maxLength);
        } catch (IOException | RuntimeException e) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "Cannot load tokenizer.json: " + e.getMessage(), e);
        }
    }

    int maxLength() {
        return maxLength;
    }

    List<Encoded> encode(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts.toArray(String[]::new));
        List<Encoded> out = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            out.add(convert(encodings[i], texts.get(i), null));
        }
        return out;
    }

    /** A text's tokens without special tokens and without truncation concerns (used to measure and cut questions). */
    Encoded encodeBare(String text) {
        return convert(tokenizer.encode(text, false, false), text, null);
    }

    /** The chunks of a (question, context) pair: the first encoding, then each overflowing one. */
    List<Encoded> encodePair(String question, String context) {
        Encoding first = tokenizer.encode(question, context, true, true);
        List<Encoded> chunks = new ArrayList<>();
        chunks.add(convert(first, question, context));
        for (Encoding overflow : first.getOverflowing()) {
            chunks.add(convert(overflow, question, context));
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

    private static Encoded convert(Encoding encoding, String first, String second) {
        long[] ids = encoding.getIds();
        long[] sequenceIds = encoding.getSequenceIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        CodePointIndex firstIndex = new CodePointIndex(first);
        CodePointIndex secondIndex = second == null ? null : new CodePointIndex(second);
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        for (int i = 0; i < ids.length; i++) {
            CharSpan span = spans[i];
            if (span == null || encoding.getSpecialTokenMask()[i] != 0) {
                continue;
            }
            CodePointIndex index = sequenceIds[i] == 1 && secondIndex != null ? secondIndex : firstIndex;
            starts[i] = index.toUtf16(span.getStart());
            ends[i] = index.toUtf16(span.getEnd());
        }
        return new Encoded(ids, encoding.getTypeIds(), encoding.getSpecialTokenMask(), encoding.getWordIds(),
                sequenceIds, encoding.getTokens(), starts, ends);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** The tokenizer counts characters in code points; Java strings index UTF-16 units (emoji take two). */
    private static final class CodePointIndex {
        private final int[] utf16;

        CodePointIndex(String text) {
            int count = text.codePointCount(0, text.length());
            utf16 = new int[count + 1];
            int unit = 0;
            for (int cp = 0; cp < count; cp++) {
                utf16[cp] = unit;
                unit += Character.charCount(text.codePointAt(unit));
            }
            utf16[count] = text.length();
        }

        int toUtf16(int codePoint) {
            return utf16[Math.min(Math.max(codePoint, 0), utf16.length - 1)];
        }
    }
}
