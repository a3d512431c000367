package dev.modelport.pipeline;

import java.util.List;

/**
 * How one encoder-decoder generation decodes, resolved as transformers' generate() would run it
 * ({@link Seq2SeqGenerationConfig#resolve}).
 *
 * @param decoderStart the decoder's first token
 * @param eos tokens that end a sequence (may be empty)
 * @param maxLength the longest decoder sequence, the start token included
 * @param minLength eos is banned while the sequence is shorter (start token included)
 * @param earlyStopping {@code true}, {@code false} or {@code never}, as transformers' beam search reads it
 * @param badWords token sequences never to complete (a single token: never generated)
 * @param forcedBos the token forced right after the start token, or null
 * @param forcedEos the tokens forced as the last token allowed by maxLength (empty: none)
 * @param renormalize log-softmax again after the processors (beam search scores)
 * @param topK 0: no top-k filter
 * @param seed null: a fresh random seed (sampling)
 */
record Seq2SeqDecoding(long decoderStart, List<Long> eos, int maxLength, int minLength, int numBeams,
        int numReturnSequences, double lengthPenalty, String earlyStopping, int noRepeatNgramSize, double repetitionPenalty,
        List<long[]> badWords, Long forcedBos, List<Long> forcedEos, boolean renormalize, boolean doSample,
        double temperature, int topK, double topP, Long seed) {

    boolean greedyOrSampled() {
        return numBeams == 1;
    }

    /** The same settings with another number of beams (a stream decodes greedily). */
    Seq2SeqDecoding withBeams(int beams, int returned) {
        return new Seq2SeqDecoding(decoderStart, eos, maxLength, minLength, beams, returned, lengthPenalty, earlyStopping,
                noRepeatNgramSize, repetitionPenalty, badWords, forcedBos, forcedEos, renormalize, doSample, temperature,
                topK, topP, seed);
    }
}
