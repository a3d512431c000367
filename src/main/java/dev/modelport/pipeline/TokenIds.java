package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inputs given as token ids instead of text (OpenAI's token-array {@code input}/{@code prompt}, which
 * LangChain's OpenAIEmbeddings sends by default): the ids go to the model as they are, with no
 * special tokens added and no instruction prompt, as vLLM and TEI take them.
 */
public final class TokenIds {

    private TokenIds() {
    }

    /** Whether {@code node} is a non-empty list of integers (one token-id sequence). */
    public static boolean isSequence(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode id : node) {
            if (!id.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code inputs} is a non-empty list of token-id sequences (the batched id form). */
    public static boolean isBatch(JsonNode inputs) {
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            return false;
        }
        for (JsonNode row : inputs) {
            if (!isSequence(row)) {
                return false;
            }
        }
        return true;
    }

    /** One sequence's ids (the caller has checked {@link #isSequence}). */
    public static long[] read(JsonNode sequence) {
        long[] ids = new long[sequence.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sequence.get(i).asLong();
        }
        return ids;
    }

    /** INVALID_INPUT naming the first id that is not below {@code vocabSize} (or negative). */
    public static void checkVocabulary(long[] ids, int vocabSize) {
        for (long id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new ModelportException(ErrorCode.INVALID_INPUT, "Token id " + id + " is outside this model's"
                        + " vocabulary (ids 0 to " + (vocabSize - 1) + "); token ids must come from this model's tokenizer");
            }
        }
    }

    /**
     * Encoder rows for a batch of id sequences: checked against the vocabulary and the model's
     * {@code maxLength} (INPUT_TOO_LARGE: ids are not truncated, since the caller chose them).
     */
    static List<Encoded> rows(JsonNode inputs, int vocabSize, int maxLength) {
        List<Encoded> rows = new ArrayList<>(inputs.size());
        for (JsonNode sequence : inputs) {
            long[] ids = read(sequence);
            checkVocabulary(ids, vocabSize);
            if (ids.length > maxLength) {
                throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "An input has " + ids.length
                        + " tokens; this model takes at most " + maxLength);
            }
            rows.add(row(ids));
        }
        return rows;
    }

    private static Encoded row(long[] ids) {
        int n = ids.length;
        long[] zeros = new long[n];
        long[] none = new long[n];
        Arrays.fill(none, -1L);
        int[] noSpan = new int[n];
        Arrays.fill(noSpan, -1);
        String[] tokens = new String[n];
        Arrays.fill(tokens, "");
        return new Encoded(ids.clone(), zeros, zeros.clone(), none, zeros.clone(), tokens, noSpan, noSpan.clone());
    }
}
