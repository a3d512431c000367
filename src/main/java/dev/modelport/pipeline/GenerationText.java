package dev.modelport.pipeline;

import java.util.List;
import java.util.function.Function;

/**
 * The text of a generation as tokens arrive: decoded in context (a few prompt tokens before the new
 * ones, so that a SentencePiece tokenizer keeps the first word's leading space), cut before the
 * first stop string, and released to a stream only when it can no longer change: text that could
 * be the start of a stop string, or that ends in half a UTF-8 character, is held back.
 */
final class GenerationText {
    private static final int CONTEXT_TOKENS = 5;
    private static final char REPLACEMENT = '\uFFFD';

    private final Function<long[], String> decode;
    private final long[] context;
    private final String contextText;
    private final List<String> stops;
    private long[] ids = new long[0];
    private String text = "";
    private int released;
    private boolean stopped;

    GenerationText(Function<long[], String> decode, long[] prompt, List<String> stops) {
        this.decode = decode;
        this.context = java.util.Arrays.copyOfRange(prompt, Math.max(0, prompt.length - CONTEXT_TOKENS), prompt.length);
        this.contextText = decode.apply(context);
        this.stops = stops;
    }

    /** Adds a token; returns the text that can be released now. */
    String add(long id) {
        ids = java.util.Arrays.copyOf(ids, ids.length + 1);
        ids[ids.length - 1] = id;
        long[] all = new long[context.length + ids.length];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(ids, 0, all, context.length, ids.length);
        String full = decode.apply(all);
        text = full.startsWith(contextText) ? full.substring(contextText.length()) : decode.apply(ids);
        int cut = firstStop();
        if (cut >= 0) {
            text = text.substring(0, cut);
            stopped = true;
            return release(text.length());
        }
        return release(safeEnd());
    }

    boolean stopped() {
        return stopped;
    }

    /** The rest of the text, once the generation has ended. */
    String finish() {
        return release(text.length());
    }

    String text() {
        return text;
    }

    private int firstStop() {
        int best = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** The end of the text that no later token can change. */
    private int safeEnd() {
        int end = text.length();
        while (end > released && text.charAt(end - 1) == REPLACEMENT) {
            end--;
        }
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > hold; k--) {
                if (text.endsWith(s.substring(0, k))) {
                    hold = k;
                    break;
                }
            }
        }
        return Math.max(Math.min(end, text.length() - hold), released);
    }

    private String release(int end) {
        String out = text.substring(released, Math.max(end, released));
        released = Math.max(end, released);
        return out;
    }
}
