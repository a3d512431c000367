package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/** Class names from config.json's {@code id2label}; transformers' {@code LABEL_i} where one is missing. */
final class Labels {
    private final String[] names;

    private Labels(String[] names) {
        this.names = names;
    }

    static Labels of(JsonNode config, int count) {
        String[] names = new String[count];
        JsonNode id2label = config.path("id2label");
        for (int i = 0; i < count; i++) {
            JsonNode name = id2label.path(Integer.toString(i));
            names[i] = name.isTextual() ? name.asText() : "LABEL_" + i;
        }
        return new Labels(names);
    }

    String name(int id) {
        return names[id];
    }

    int count() {
        return names.length;
    }
}
