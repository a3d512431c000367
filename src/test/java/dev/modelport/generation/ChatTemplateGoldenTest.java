package dev.modelport.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCategory;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationChatTemplate;
import dev.modelport.pipeline.GenerationChatTemplate.Message;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Chat templates that real models ship (src/test/resources/chat-templates/templates.json), rendered
 * by {@link GenerationChatTemplate} for every conversation, must give byte for byte what
 * transformers' Jinja2 gives (goldens.json, written by render_goldens.py there); where the
 * template refuses the conversation, the refusal is a 400 INVALID_INPUT carrying its message.
 */
class ChatTemplateGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> MESSAGES = new TypeReference<>() {
    };

    @TestFactory
    Stream<DynamicTest> everyTemplateRendersEveryConversationAsTransformersDoes() throws IOException {
        Map<String, GenerationChatTemplate> templates = new HashMap<>();
        for (JsonNode t : resource("templates.json").path("templates")) {
            GenerationChatTemplate template = GenerationChatTemplate.fromTokenizerConfig(t.path("tokenizer_config"));
            assertNotNull(template, t.path("name").asText());
            templates.put(t.path("name").asText(), template);
        }
        Map<String, JsonNode> conversations = new HashMap<>();
        for (JsonNode c : resource("conversations.json").path("conversations")) {
            conversations.put(c.path("name").asText(), c);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode golden : resource("goldens.json").path("cases")) {
            String name = golden.path("template").asText() + " / " + golden.path("conversation").asText()
                    + (golden.path("add_generation_prompt").asBoolean() ? " / generation prompt" : "");
            tests.add(DynamicTest.dynamicTest(name, () -> check(templates.get(golden.path("template").asText()),
                    conversations.get(golden.path("conversation").asText()), golden)));
        }
        assertTrue(tests.size() >= 200, "goldens.json holds every template x conversation");
        return tests.stream();
    }

    private static void check(GenerationChatTemplate template, JsonNode conversation, JsonNode golden) {
        List<Map<String, Object>> messages = JSON.convertValue(conversation.path("messages"), MESSAGES);
        Map<String, Object> variables = new HashMap<>();
        if (conversation.has("tools")) {
            variables.put("tools", JSON.convertValue(conversation.path("tools"), Object.class));
        }
        boolean generationPrompt = golden.path("add_generation_prompt").asBoolean();
        if (golden.has("raised")) {
            ModelportException e = assertThrows(ModelportException.class,
                    () -> template.render(messages, variables, generationPrompt));
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertEquals(ErrorCategory.BAD_REQUEST, e.code().category());
            assertTrue(e.getMessage().endsWith(golden.path("raised").asText()), e.getMessage());
        } else {
            assertEquals(golden.path("output").asText(), template.render(messages, variables, generationPrompt));
        }
    }

    @Test
    void gemmaRefusesASystemMessageWithTheTemplatesOwnWords() throws IOException {
        GenerationChatTemplate gemma = named("gemma-2-it");
        ModelportException e = assertThrows(ModelportException.class,
                () -> gemma.render(List.of(new Message("system", "Be brief."), new Message("user", "hi"))));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertEquals("The chat template refused the messages: System role not supported", e.getMessage());
        assertEquals("<bos><start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n",
                gemma.render(List.of(new Message("user", "hi"))));
    }

    @Test
    void aTemplateThatCannotBeParsedIsAClearError() {
        JsonNode config = JSON.createObjectNode().put("chat_template", "{% for message in messages %}{{ message.content }}");
        GenerationChatTemplate broken = GenerationChatTemplate.fromTokenizerConfig(config);
        ModelportException e = assertThrows(ModelportException.class, () -> broken.render(List.of(new Message("user", "hi"))));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("The chat template could not be rendered"), e.getMessage());
    }

    @Test
    void negatedMembershipReadsAsJinja2ReadsItButProseInStringsIsLeftAlone() {
        GenerationChatTemplate t = GenerationChatTemplate.fromTokenizerConfig(JSON.createObjectNode().put("chat_template",
                "{% if not 'z' in messages[0].content and not date_string is defined %}{{ \"not this is kept\" }}{% endif %}"
                        + "{% if not messages[0].content in ['hi'] %}no{% endif %}"));
        assertEquals("not this is kept", t.render(List.of(new Message("user", "hi"))));
    }

    @Test
    void unsupportedPythonMethodsAndTagsAreClearErrors() {
        for (String template : List.of("{{ messages[0]['content'].zfill(5) }}",
                "{% for m in messages %}{% generation %}{{ m.content }}{% endgeneration %}{% endfor %}")) {
            GenerationChatTemplate t = GenerationChatTemplate.fromTokenizerConfig(JSON.createObjectNode().put("chat_template", template));
            ModelportException e = assertThrows(ModelportException.class, () -> t.render(List.of(new Message("user", "hi"))),
                    template);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("The chat template could not be rendered"), e.getMessage());
        }
    }

    @Test
    void strftimeNowPrintsTodayAsPythonDoes() {
        GenerationChatTemplate dated = GenerationChatTemplate.fromTokenizerConfig(JSON.createObjectNode()
                .put("chat_template", "{{- strftime_now('%d %b %Y') }}|{{ strftime_now('%A %B %%') }}"));
        java.time.LocalDate before = java.time.LocalDate.now();
        String rendered = dated.render(List.of(new Message("user", "hi")));
        java.time.LocalDate day = rendered.startsWith(before.format(PYTHON_DATE)) ? before : java.time.LocalDate.now();
        assertEquals(day.format(PYTHON_DATE) + "|" + day.format(java.time.format.DateTimeFormatter.ofPattern("EEEE MMMM", java.util.Locale.ENGLISH)) + " %",
                rendered);
    }

    private static final java.time.format.DateTimeFormatter PYTHON_DATE =
            java.time.format.DateTimeFormatter.ofPattern("dd MMM yyyy", java.util.Locale.ENGLISH);

    @Test
    void noTemplateMeansNoChat() {
        assertEquals(null, GenerationChatTemplate.fromTokenizerConfig(JSON.createObjectNode().put("eos_token", "</s>")));
    }

    private static GenerationChatTemplate named(String name) throws IOException {
        for (JsonNode t : resource("templates.json").path("templates")) {
            if (t.path("name").asText().equals(name)) {
                return GenerationChatTemplate.fromTokenizerConfig(t.path("tokenizer_config"));
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream("/chat-templates/" + name)) {
            assertNotNull(in, name);
            return JSON.readTree(in);
        }
    }
}
