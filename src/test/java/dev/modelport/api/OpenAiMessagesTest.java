package dev.modelport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationChatTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Content-part messages reach the chat template as a string or as parts, depending on the template. */
class OpenAiMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES = """
            [{"role": "system", "content": "be brief"},
             {"role": "user", "content": [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}]}]""";

    private static GenerationChatTemplate template(String source) throws Exception {
        return GenerationChatTemplate.fromTokenizerConfig(JSON.createObjectNode().put("chat_template", source));
    }

    private static String render(GenerationChatTemplate template) throws Exception {
        List<Map<String, Object>> messages = OpenAiMessages.read(JSON.readTree(MESSAGES), template.takesContentParts());
        return template.render(messages, Map.of(), false);
    }

    @Test
    void aStringTemplateGetsTheTextPartsJoinedWithNewlines() throws Exception {
        GenerationChatTemplate t = template("{% for m in messages %}[{{ m['role'] }}]{{ m['content'] }}{% endfor %}");
        assertFalse(t.takesContentParts());
        assertEquals("[system]be brief[user]first\nsecond", render(t));
    }

    @Test
    void aTemplateThatLoopsOverPartsGetsThem() throws Exception {
        GenerationChatTemplate t = template("{% for m in messages %}[{{ m.role }}]{% if m.content is string %}"
                + "{{ m.content }}{% else %}{% for part in m['content'] %}<{{ part.text }}>{% endfor %}{% endif %}{% endfor %}");
        assertTrue(t.takesContentParts());
        assertEquals("[system]be brief[user]<first><second>", render(t));
    }

    @Test
    void nonTextPartsAreRefusedByType() throws Exception {
        JsonNode image = JSON.readTree("""
                [{"role": "user", "content": [{"type": "text", "text": "what is this"},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]""");
        ModelportException e = assertThrows(ModelportException.class, () -> OpenAiMessages.read(image, false));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("messages[0]") && e.getMessage().contains("\"image_url\""), e.getMessage());
        JsonNode noText = JSON.readTree("[{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]");
        assertThrows(ModelportException.class, () -> OpenAiMessages.read(noText, false));
    }
}
