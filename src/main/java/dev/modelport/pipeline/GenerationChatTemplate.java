package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer's {@code chat_template} (tokenizer_config.json), rendered with Jinjava as
 * transformers' apply_chat_template renders it with Jinja2: {@code messages}, {@code tools},
 * {@code add_generation_prompt}, the special tokens the tokenizer has ({@code bos_token},
 * {@code eos_token}, ...), {@code raise_exception}, {@code strftime_now} and {@code tojson}.
 * {@link ChatTemplateEnvironment} closes the gaps between Jinjava and Jinja2.
 */
public final class GenerationChatTemplate {

    /** One chat message. */
    public record Message(String role, String content) {
    }

    /**
     * A loop over a message's content ({@code for part in message['content']}, {@code in m.content}):
     * the template renders content parts itself (vLLM's "openai" content format detection).
     */
    private static final java.util.regex.Pattern LOOPS_OVER_CONTENT = java.util.regex.Pattern.compile(
            "for\\s+\\w+\\s+in\\s+\\w+\\s*(\\[\\s*['\"]content['\"]\\s*\\]|\\.content\\b)");

    private final String template;
    private final Map<String, Object> tokens;
    private final Jinjava jinjava;
    private final boolean takesContentParts;

    private GenerationChatTemplate(String template, Map<String, Object> tokens) {
        this.takesContentParts = LOOPS_OVER_CONTENT.matcher(template).find();
        this.template = ChatTemplateSyntax.toJinjava(template);
        this.tokens = tokens;
        this.jinjava = ChatTemplateEnvironment.jinjava();
    }

    /** @return null when the repo has no chat template */
    static GenerationChatTemplate of(SnapshotFiles files) {
        return fromTokenizerConfig(files.tokenizerConfig());
    }

    /**
     * The template of a tokenizer_config.json: a string, or a list of named templates of which
     * transformers uses the one named "default".
     *
     * @return null when there is none
     */
    public static GenerationChatTemplate fromTokenizerConfig(JsonNode tokenizerConfig) {
        JsonNode node = tokenizerConfig.path("chat_template");
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
        // transformers passes the special tokens the tokenizer has; a missing one stays undefined
        Map<String, Object> tokens = new HashMap<>();
        for (Iterator<String> names = tokenizerConfig.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String text = name.endsWith("_token") ? Json.tokenText(tokenizerConfig.path(name)) : null;
            if (text != null) {
                tokens.put(name, text);
            }
        }
        return new GenerationChatTemplate(template, tokens);
    }

    /**
     * Whether the template iterates a message's {@code content} as a list of parts; when it does not,
     * text parts are joined into one string before rendering (as vLLM does for such templates).
     */
    public boolean takesContentParts() {
        return takesContentParts;
    }

    /** The prompt for {@code messages}, ending with the assistant's turn opened. */
    public String render(List<Message> messages) {
        return render(messages, true);
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> plain = messages.stream()
                .map(m -> {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("role", m.role());
                    message.put("content", m.content());
                    return message;
                })
                .toList();
        return render(plain, Map.of(), addGenerationPrompt);
    }

    /**
     * Renders messages given as JSON-like maps (so that {@code tool_calls} and other fields reach
     * the template) with extra variables such as {@code tools}.
     */
    public String render(List<? extends Map<String, ?>> messages, Map<String, ?> variables, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>(tokens);
        context.put("tools", null);
        context.put("documents", null);
        context.putAll(variables);
        context.put("messages", messages);
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = jinjava.renderForResult(template, context);
        for (TemplateError error : result.getErrors()) {
            // raise_exception's ModelportException arrives wrapped by the function call
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof ModelportException refused) {
                    throw refused;
                }
            }
        }
        if (ChatTemplateEnvironment.failed(result)) {
            throw new ModelportException(ErrorCode.INVALID_INPUT,
                    "The chat template could not be rendered: " + ChatTemplateEnvironment.firstFatal(result));
        }
        return result.getOutput();
    }
}
