package dev.modelport.pipeline;

import java.util.List;

/**
 * A generated token's log-probability under the model's own next-token distribution (the
 * log-softmax of the raw logits, before repetition penalty, temperature, top-k and top-p), with the
 * most probable alternatives at that step. This is what vLLM reports by default ({@code logprobs_mode
 * = raw_logprobs}) and what the OpenAI routes return for {@code logprobs}; only computed when asked
 * ({@code top_n_tokens}), since it costs a pass over the vocabulary per token.
 *
 * @param text the token's own text (its id decoded alone, special tokens shown)
 * @param top the {@code top_n_tokens} most probable tokens, most probable first (may be empty)
 */
public record TokenLogprobs(String text, double logprob, List<Alternative> top) {

    /** One candidate token at a step. */
    public record Alternative(long id, String text, double logprob) {
    }
}
