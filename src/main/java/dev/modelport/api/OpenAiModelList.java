package dev.modelport.api;

import java.util.List;

/** OpenAI's model list: {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}. */
public record OpenAiModelList(String object, List<Model> data) {

    /** A completed deployment; {@code created} is its creation time in epoch seconds. */
    public record Model(String id, String object, long created, String ownedBy) {
    }
}
