package dev.modelport.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.pipeline.GeneratedToken;
import dev.modelport.pipeline.TokenLogprobs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code logprobs} of a choice in OpenAI's two shapes. The values are the raw model's
 * log-softmax (before temperature, top-k, top-p and repetition penalty), as vLLM reports them by
 * default; the token texts are each id decoded alone.
 */
final class OpenAiLogprobs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiLogprobs() {
    }

    /** Chat: {@code {"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}], "refusal": null}}. */
    static ObjectNode chat(List<GeneratedToken> tokens) {
        ObjectNode out = NODES.objectNode();
        ArrayNode content = out.putArray("content");
        for (GeneratedToken token : tokens) {
            TokenLogprobs lp = token.logprobs();
            ObjectNode entry = chatEntry(content.addObject(), lp.text(), lp.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenLogprobs.Alternative alternative : lp.top()) {
                chatEntry(top.addObject(), alternative.text(), alternative.logprob());
            }
        }
        out.putNull("refusal");
        return out;
    }

    private static ObjectNode chatEntry(ObjectNode entry, String text, double logprob) {
        entry.put("token", text).put("logprob", logprob);
        ArrayNode bytes = entry.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xFF);
        }
        return entry;
    }

    /**
     * Completions: {@code {"tokens", "token_logprobs", "top_logprobs": [{text: logprob}], "text_offset"}};
     * each {@code top_logprobs} map also holds the chosen token, as OpenAI's and vLLM's do.
     *
     * @param offset the characters of generated text before these tokens (a stream's running offset)
     */
    static ObjectNode completion(List<GeneratedToken> tokens, int offset) {
        ObjectNode out = NODES.objectNode();
        ArrayNode texts = out.putArray("tokens");
        ArrayNode values = out.putArray("token_logprobs");
        ArrayNode tops = out.putArray("top_logprobs");
        ArrayNode offsets = out.putArray("text_offset");
        int at = offset;
        for (GeneratedToken token : tokens) {
            TokenLogprobs lp = token.logprobs();
            texts.add(lp.text());
            values.add(lp.logprob());
            ObjectNode top = tops.addObject();
            for (TokenLogprobs.Alternative alternative : lp.top()) {
                top.put(alternative.text(), alternative.logprob());
            }
            if (!top.has(lp.text())) {
                top.put(lp.text(), lp.logprob());
            }
            offsets.add(at);
            at += lp.text().length();
        }
        return out;
    }

    /** How many characters the tokens' texts add to the running {@code text_offset}. */
    static int length(List<GeneratedToken> tokens) {
        return tokens.stream().mapToInt(t -> t.logprobs().text().length()).sum();
    }
}
