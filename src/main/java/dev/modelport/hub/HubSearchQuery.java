package dev.modelport.hub;

/**
 * One search of the Hub's model listing ({@code GET /api/models}).
 *
 * @param search words the model id must contain (may be empty: the most downloaded models)
 * @param task a pipeline tag to filter on, or null for any
 * @param sort {@code downloads}, {@code likes} or {@code trending}, always descending
 * @param limit how many models at most
 */
public record HubSearchQuery(String search, String task, String sort, int limit) {
}
