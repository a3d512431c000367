package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer's {@code chat_template} (tokenizer_config.json), rendered with Jinjava as
 * transformers' apply_chat_template renders it with Jinja2: {@code messages},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and {@code raise_exception}.
 */
public final class GenerationChatTemplate {

    /** One chat message. */
    public record Message(String role, String content) {
    }

    private final String template;
    private final Map<String, Object> tokens;
    private final Jinjava jinjava;

    private GenerationChatTemplate(String template, Map<String, Object> tokens) {
        this.template = template;
        this.tokens = tokens;
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                GenerationChatTemplate.class, "raiseException", String.class));
    }

    /** @return null when the repo has no chat template */
    static GenerationChatTemplate of(SnapshotFiles files) {
        JsonNode node = files.tokenizerConfig().path("chat_template");
        String template = null;
        if (node.isTextual()) {
            template = node.asText();
        } else if (node.isArray()) {
            for (JsonNode named : node) {
                if (template == null || named.path("name").asText().equals("default")) {
                    template = named.path("template").asText(null);
                }
            }
        }
        if (template == null || template.isBlank()) {
            return null;
        }
        Map<String, Object> tokens = new HashMap<>();
        for (String name : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            String text = Json.tokenText(files.tokenizerConfig().path(name));
            tokens.put(name, text == null ? "" : text);
        }
        return new GenerationChatTemplate(template, tokens);
    }

    /** Called by templates that refuse a conversation (e.g. roles out of order). */
    public static String raiseException(String message) {
        throw new ModelportException(ErrorCode.INVALID_INPUT, "The chat template refused the messages: " + message);
    }

    /** The prompt for {@code messages}, ending with the assistant's turn opened. */
    public String render(List<Message> messages) {
        Map<String, Object> context = new HashMap<>(tokens);
        context.put("messages", messages.stream().map(m -> Map.of("role", m.role(), "content", m.content())).toList());
        context.put("add_generation_prompt", true);
        RenderResult result = jinjava.renderForResult(template, context);
        if (!result.getErrors().isEmpty()) {
            for (var error : result.getErrors()) {
                // raise_exception's ModelportException arrives wrapped by the EL function call
                for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                    if (t instanceof ModelportException refused) {
                        throw refused;
                    }
                }
            }
            throw new ModelportException(ErrorCode.INVALID_INPUT,
                    "The chat template could not be rendered: " + result.getErrors().get(0).getMessage());
        }
        return result.getOutput();
    }
}
