package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Token strings to text as transformers' {@code tokenizer.convert_tokens_to_string(tokens)} does it
 * for a fast tokenizer: {@code backend_tokenizer.decoder.decode(tokens)}, the decoder that
 * tokenizer.json describes, or the tokens joined by spaces when it has none. DJL decodes ids only;
 * the token-classification pipeline decodes token strings, and also words it has already decoded
 * (transformers decodes an entity group's words once more), so the decoders are ported here.
 */
final class TokenDecoder {
    private final DecoderStep step;

    private TokenDecoder(DecoderStep step) {
        this.step = step;
    }

    /** The decoder of a parsed tokenizer.json. */
    static TokenDecoder of(JsonNode tokenizerJson) {
        JsonNode decoder = tokenizerJson.path("decoder");
        return new TokenDecoder(decoder.isObject() ? step(decoder) : null);
    }

    String decode(List<String> tokens) {
        return step == null ? String.join(" ", tokens) : String.join("", step.decodeChain(tokens));
    }

    private static DecoderStep step(JsonNode node) {
        String type = node.path("type").asText("");
        return switch (type) {
            case "WordPiece" -> new DecoderStep.WordPiece(node.path("prefix").asText("##"),
                    node.path("cleanup").asBoolean(true));
            case "ByteLevel" -> new DecoderStep.ByteLevel();
            case "Metaspace" -> new DecoderStep.Metaspace(character(node, "replacement", "\u2581"), prepends(node));
            case "Replace" -> new DecoderStep.Replace(pattern(node.path("pattern")), node.path("content").asText(""));
            case "ByteFallback" -> new DecoderStep.ByteFallback();
            case "Fuse" -> new DecoderStep.Fuse();
            case "Strip" -> new DecoderStep.Strip(character(node, "content", " "), node.path("start").asInt(0),
                    node.path("stop").asInt(0));
            case "BPEDecoder" -> new DecoderStep.Bpe(node.path("suffix").asText("</w>"));
            case "CTC" -> new DecoderStep.Ctc(node.path("pad_token").asText("<pad>"),
                    node.path("word_delimiter_token").asText("|"), node.path("cleanup").asBoolean(true));
            case "Sequence" -> {
                List<DecoderStep> steps = new ArrayList<>();
                for (JsonNode child : node.path("decoders")) {
                    steps.add(step(child));
                }
                yield new DecoderStep.Sequence(List.copyOf(steps));
            }
            default -> throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "tokenizer.json's decoder type '" + type + "' is not supported");
        };
    }

    /**
     * Whether the Metaspace pre-tokenizer prepended ▁ to the text (its prepend_scheme "always" or
     * "first"; "never" does not). Older files say {@code add_prefix_space} instead, false meaning never.
     */
    private static boolean prepends(JsonNode node) {
        if (node.path("add_prefix_space").isBoolean() && !node.path("add_prefix_space").asBoolean()) {
            return false;
        }
        return !node.path("prepend_scheme").asText("always").equals("never");
    }

    private static int character(JsonNode node, String field, String fallback) {
        String text = node.path(field).asText(fallback);
        return (text.isEmpty() ? fallback : text).codePointAt(0);
    }

    /** tokenizers' pattern: {"String": literal} or {"Regex": expression}. */
    private static Pattern pattern(JsonNode pattern) {
        if (pattern.has("Regex")) {
            return Pattern.compile(pattern.path("Regex").asText());
        }
        return Pattern.compile(Pattern.quote(pattern.path("String").asText()));
    }
}
