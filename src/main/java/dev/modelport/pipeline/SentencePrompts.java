package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sentence-transformers' instruction prompts ({@code config_sentence_transformers.json}:
 * {@code prompts} by name, {@code default_prompt_name}), as {@code SentenceTransformer.encode}
 * applies them: the prompt string is put before each text, then the whole is tokenized.
 * Qwen3-Embedding, for one, asks queries to carry an instruction ({@code "query"}) and documents
 * none. Parameters: {@code prompt_name} (one of the repo's prompts) or {@code prompt} (a string);
 * without either, the repo's default prompt if it names one, else none. A repo whose Pooling module
 * leaves prompt tokens out of the pooling ({@code include_prompt: false}) cannot use prompts here:
 * Modelport pools every token of a row.
 */
record SentencePrompts(Map<String, String> prompts, String defaultName, boolean includePrompt) {

    static SentencePrompts of(SnapshotFiles files) {
        JsonNode config = Json.readOptional(files.dir().resolve("config_sentence_transformers.json"));
        Map<String, String> prompts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("prompts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                prompts.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode name = config.path("default_prompt_name");
        String defaultName = name.isTextual() ? name.asText() : null;
        if (defaultName != null && !prompts.containsKey(defaultName)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "config_sentence_transformers.json names the"
                    + " default prompt '" + defaultName + "', which its prompts do not define");
        }
        boolean include = true;
        for (JsonNode module : files.modules()) {
            if (module.path("type").asText("").endsWith("Pooling")) {
                JsonNode pooling = Json.readOptional(files.dir().resolve(module.path("path").asText("1_Pooling")).resolve("config.json"));
                include = pooling.path("include_prompt").asBoolean(true);
            }
        }
        SentencePrompts p = new SentencePrompts(Map.copyOf(prompts), defaultName, include);
        if (defaultName != null && !p.usable(prompts.get(defaultName))) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "the repo's default prompt '" + defaultName
                    + "' is to be left out of the pooling (include_prompt false), which Modelport does not implement");
        }
        return p;
    }

    private boolean usable(String prompt) {
        return includePrompt || prompt.isEmpty();
    }

    /** The prompt a request asks for ({@code prompt_name} or {@code prompt}), else the default; "" for none. */
    String choose(Params params) {
        String named = params.text("prompt_name");
        String literal = params.text("prompt");
        if (named != null && literal != null) {
            throw Params.invalid("give 'prompt_name' or 'prompt', not both");
        }
        String prompt;
        if (named != null) {
            prompt = prompts.get(named);
            if (prompt == null) {
                throw Params.invalid("'prompt_name' must be one of the model's prompts " + prompts.keySet() + ", got '"
                        + named + "'");
            }
        } else if (literal != null) {
            prompt = literal;
        } else {
            prompt = defaultName == null ? "" : prompts.get(defaultName);
        }
        if (!usable(prompt)) {
            throw Params.invalid("this model pools without its prompt tokens (include_prompt false), which Modelport"
                    + " does not implement; send the texts without a prompt");
        }
        return prompt;
    }

    static List<String> apply(String prompt, List<String> texts) {
        return prompt.isEmpty() ? texts : texts.stream().map(t -> prompt + t).toList();
    }
}
