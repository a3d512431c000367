package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rerank body in TEI's shape, {@code {"query", "texts", "raw_scores", "return_text", "top_n", "truncate",
 * "truncation_direction"}}, as both rerank routes read it ({@code /api/v1/deployments/{id}/rerank} and
 * TEI's {@code /models/{id}/rerank}); each route decides what {@code truncate} and the direction mean.
 */
record RerankRequest(String query, List<String> texts, boolean rawScores, boolean returnText, Integer topN) {
    static final Set<String> FIELDS = Set.of("query", "texts", "raw_scores", "return_text", "top_n", "truncate",
            "truncation_direction");

    static RerankRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("Body must be a JSON object such as {\"query\": \"...\", \"texts\": [\"...\", \"...\"]}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid("Unknown field \"" + name + "\"; rerank takes " + new TreeSet<>(FIELDS));
            }
        }
        JsonNode query = body.path("query");
        if (!query.isTextual()) {
            throw invalid("\"query\" (a string) is required");
        }
        JsonNode texts = body.path("texts");
        if (!texts.isArray() || texts.isEmpty()) {
            throw invalid("\"texts\" must be a non-empty list of strings");
        }
        List<String> list = new ArrayList<>(texts.size());
        for (JsonNode t : texts) {
            if (!t.isTextual()) {
                throw invalid("\"texts\" must be a list of strings");
            }
            list.add(t.asText());
        }
        bool(body, "truncate", true);
        Integer topN = null;
        JsonNode n = body.path("top_n");
        if (!n.isMissingNode() && !n.isNull()) {
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
                throw invalid("\"top_n\" must be a positive integer");
            }
            topN = n.asInt();
        }
        return new RerankRequest(query.asText(), List.copyOf(list), bool(body, "raw_scores", false),
                bool(body, "return_text", false), topN);
    }

    private static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw invalid("\"" + field + "\" must be true or false");
        }
        return v.asBoolean();
    }

    private static ModelportException invalid(String message) {
        return new ModelportException(ErrorCode.INVALID_INPUT, message);
    }
}
