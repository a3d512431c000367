package dev.modelport.api;

import java.util.List;

/** OpenAI's embeddings answer: {@code {"object":"list","data":[...],"model","usage"}}. */
public record OpenAiEmbeddingList(String object, List<Item> data, String model, Usage usage) {

    /** One input's vector: a list of floats, or base64 of its little-endian float32 bytes. */
    public record Item(String object, int index, Object embedding) {
    }

    public record Usage(int promptTokens, int totalTokens) {
    }
}
