package dev.modelport.pipeline;

/**
 * One generated token as it is streamed.
 *
 * @param text what this token adds to the generated text (special tokens and text held back
 *     while it might still be a stop string or half a character add nothing now; held-back text
 *     comes with a later token), so the texts of all tokens concatenate to the generated text
 * @param logprob natural log-probability of the token under the distribution it was drawn from
 * @param logprobs the raw model's log-probabilities, when the parameters asked for them
 *     ({@code top_n_tokens}); null otherwise
 */
public record GeneratedToken(long id, String text, double logprob, boolean special, TokenLogprobs logprobs) {

    public GeneratedToken(long id, String text, double logprob, boolean special) {
        this(id, text, logprob, special, null);
    }
}
