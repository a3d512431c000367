package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An encoder pipeline's tokenizer as Hugging Face TEI exposes it: every token of a text with its
 * byte offsets ({@code /tokenize}), token ids back to text ({@code /decode}), the untruncated length
 * of inputs (TEI refuses an input longer than {@link #maxInputLength} unless asked to truncate), and
 * the model's limit. Texts carry the instruction prompt the embedding pipeline would put before them,
 * so what is shown and measured is what the model is fed. The whole-text tokenizer is built on first
 * use: most deployments never need it.
 */
public final class Tokenization implements AutoCloseable {
    private final SnapshotFiles files;
    private final TextEncoder truncating;
    /** Null for a task without instruction prompts (classifiers). */
    private final SentencePrompts prompts;
    private TextEncoder whole;

    Tokenization(PipelineContext context, SentencePrompts prompts) {
        this.files = context.files();
        this.truncating = context.encoder();
        this.prompts = prompts;
    }

    /** One token: {@code start}/{@code stop} are UTF-8 byte offsets into the (prompted) text, null for special tokens. */
    public record Token(long id, String text, boolean special, Integer start, Integer stop) {
    }

    /** The longest input the model takes, in tokens, special tokens included. */
    public int maxInputLength() {
        return truncating.maxLength();
    }

    /**
     * The texts as the model would be fed them, with {@code promptName}'s prompt (null: the repo's default
     * prompt, if any) — the same choice the embedding pipeline makes.
     */
    public List<String> prompted(List<String> texts, String promptName) {
        if (prompts == null) {
            if (promptName != null) {
                throw Params.invalid("'prompt_name' applies to embedding models with sentence-transformers prompts;"
                        + " this deployment has none");
            }
            return texts;
        }
        Params params = Params.of(promptName == null ? null : Json.object().put("prompt_name", promptName));
        return SentencePrompts.apply(prompts.choose(params), texts);
    }

    /** Every token of each text, untruncated; the offsets count bytes of the prompted text, as TEI's do. */
    public List<List<Token>> tokenize(List<String> texts, boolean addSpecialTokens, String promptName) {
        List<String> prompted = prompted(texts, promptName);
        List<Encoded> rows = whole().encode(prompted, addSpecialTokens);
        List<List<Token>> out = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            out.add(tokens(rows.get(r), prompted.get(r)));
        }
        return out;
    }

    /** Tokens of each prompted text, special tokens included, before any truncation. */
    public int[] lengths(List<String> texts, String promptName) {
        return lengthsOf(whole().encode(prompted(texts, promptName)));
    }

    /** Tokens of each (first, second) pair as one row, special tokens included, before any truncation. */
    public int[] pairLengths(List<String> first, List<String> second) {
        return lengthsOf(whole().encodePairs(first, second));
    }

    public String decode(long[] ids, boolean skipSpecialTokens) {
        try {
            return truncating.decode(ids, skipSpecialTokens);
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "Cannot decode these ids: " + e.getMessage());
        }
    }

    private static int[] lengthsOf(List<Encoded> rows) {
        return rows.stream().mapToInt(Encoded::length).toArray();
    }

    private static List<Token> tokens(Encoded row, String text) {
        CodePointText chars = new CodePointText(text);
        int[] bytes = byteOffsets(text, chars.length());
        List<Token> tokens = new ArrayList<>(row.length());
        for (int i = 0; i < row.length(); i++) {
            if (row.isSpecial(i) || !row.hasSpan(i)) {
                tokens.add(new Token(row.ids()[i], row.tokens()[i], row.isSpecial(i), null, null));
            } else {
                int start = row.starts()[i];
                int end = row.ends()[i];
                tokens.add(new Token(row.ids()[i], chars.slice(start, end), false, bytes[Math.min(start, bytes.length - 1)],
                        bytes[Math.min(end, bytes.length - 1)]));
            }
        }
        return tokens;
    }

    /** bytes[cp] = the UTF-8 byte offset of code point cp; bytes[length] = the text's byte length. */
    private static int[] byteOffsets(String text, int codePoints) {
        int[] bytes = new int[codePoints + 1];
        int unit = 0;
        for (int cp = 0; cp < codePoints; cp++) {
            int c = text.codePointAt(unit);
            bytes[cp + 1] = bytes[cp] + new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
            unit += Character.charCount(c);
        }
        return bytes;
    }

    private synchronized TextEncoder whole() {
        if (whole == null) {
            whole = TextEncoder.whole(files, truncating.maxLength());
        }
        return whole;
    }

    @Override
    public synchronized void close() {
        if (whole != null) {
            whole.close();
        }
    }
}
