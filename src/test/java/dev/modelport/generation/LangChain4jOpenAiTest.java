package dev.modelport.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.Response;
import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import dev.modelport.testing.models.TinyCheckpoints;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Java OpenAI client, LangChain4j's OpenAI module, pointed at {@code /v1}: embeddings (one,
 * several, with dimensions), chat (plain, content parts, streamed with its usage) and a clear error
 * for a JSON response format.
 */
@QuarkusTest
class LangChain4jOpenAiTest {
    private static final String LLAMA = "test-org/tiny-llama-chat";
    private static final String EMBEDDER = "test-org/tiny-bert-embedder";
    private static boolean deployed;

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;
    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void deployOnce() throws Exception {
        if (deployed) {
            return;
        }
        Path root = Path.of(hubRoot);
        if (!Files.isDirectory(root.resolve(LLAMA))) {
            TinyDecoders.llama(root.resolve(LLAMA), Family.QWEN2, 2, 32, 4, 2, 48, true, null, 2, 22);
        }
        if (!Files.isDirectory(root.resolve(EMBEDDER))) {
            TinyCheckpoints.builder(TinyCheckpoints.Family.BERT, Head.BASE).pipelineTag("feature-extraction")
                    .write(root.resolve(EMBEDDER));
        }
        LiveGeneration.deploy(LLAMA, "gen-llama");
        LiveGeneration.deploy(EMBEDDER, "lc4j-embed");
        deployed = true;
    }

    private String v1() {
        return LiveGeneration.loopback(base) + "/v1";
    }

    @Test
    void embeddingModelEmbedsOneAndManyWithDimensions() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(v1()).apiKey("unused")
                .modelName("lc4j-embed").build();
        Response<Embedding> one = model.embed("hello world");
        assertEquals(TinyCheckpoints.HIDDEN, one.content().vector().length);
        assertTrue(one.tokenUsage().inputTokenCount() > 0, String.valueOf(one.tokenUsage()));
        Response<List<Embedding>> many = model.embedAll(List.of(TextSegment.from("hello"), TextSegment.from("the world")));
        assertEquals(2, many.content().size());

        OpenAiEmbeddingModel cut = OpenAiEmbeddingModel.builder().baseUrl(v1()).apiKey("unused")
                .modelName("lc4j-embed").dimensions(8).build();
        assertEquals(8, cut.embed("hello world").content().vector().length);
    }

    @Test
    void chatModelAnswersPlainAndContentParts() {
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(v1()).apiKey("unused").modelName("gen-llama")
                .maxTokens(4).temperature(0.0).build();
        ChatResponse plain = chat.chat(UserMessage.from("hello\nthe world"));
        assertNotNull(plain.aiMessage().text());
        assertTrue(plain.tokenUsage().outputTokenCount() <= 4, String.valueOf(plain.tokenUsage()));
        // two TextContents go out as a list of text parts; the string template gets them joined with a newline
        ChatResponse parts = chat.chat(UserMessage.from(TextContent.from("hello"), TextContent.from("the world")));
        assertEquals(plain.aiMessage().text(), parts.aiMessage().text());
        assertEquals(plain.tokenUsage().inputTokenCount(), parts.tokenUsage().inputTokenCount());

        OpenAiChatModel json = OpenAiChatModel.builder().baseUrl(v1()).apiKey("unused").modelName("gen-llama")
                .maxTokens(4).responseFormat("json_object").maxRetries(0).build();
        RuntimeException refused = assertThrows(RuntimeException.class, () -> json.chat("hello"));
        assertTrue(String.valueOf(refused.getMessage()).contains("not implemented"), String.valueOf(refused.getMessage()));
    }

    @Test
    void streamingChatModelStreamsAndReportsUsage() throws Exception {
        OpenAiChatModel whole = OpenAiChatModel.builder().baseUrl(v1()).apiKey("unused").modelName("gen-llama")
                .maxTokens(5).temperature(0.0).build();
        String expected = whole.chat("hello");
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(v1()).apiKey("unused")
                .modelName("gen-llama").maxTokens(5).temperature(0.0).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("hello", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertEquals(expected, partial.toString());
        assertEquals(expected, response.aiMessage().text());
        assertNotNull(response.tokenUsage(), "the include_usage chunk gives the usage");
        assertTrue(response.tokenUsage().outputTokenCount() > 0, String.valueOf(response.tokenUsage()));
    }
}
