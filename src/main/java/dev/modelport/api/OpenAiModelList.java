package dev.modelport.api;

import java.util.List;

/**
 * OpenAI's model list: {@code {"object":"list","data":[{"id","object":"model","created","owned_by"}]}}, each
 * model with two extra fields the SDKs keep as extras: {@code task} (what the deployment serves, so a
 * client knows which route fits) and {@code root} (the Hugging Face model id, as vLLM's {@code root}).
 */
public record OpenAiModelList(String object, List<Model> data) {

    /** A completed deployment; {@code created} is its creation time in epoch seconds. */
    public record Model(String id, String object, long created, String ownedBy, String task, String root) {
    }
}
