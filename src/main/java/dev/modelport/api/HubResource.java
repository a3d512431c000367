package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.HubSearch;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Set;

/**
 * {@code GET /api/v1/hub/models?search=&task=&sort=downloads&limit=20}: the wizard's model search, proxied to the
 * Hub's {@code /api/models} with HF_TOKEN, cached briefly, each model with a "runs here" hint ({@link HubSearch}).
 */
@Path("/api/v1/hub/models")
@Produces(MediaType.APPLICATION_JSON)
public class HubResource {
    private static final Set<String> SORTS = Set.of("downloads", "likes", "trending");
    private static final int MAX_SEARCH_CHARS = 200;

    @Inject
    HubSearch search;

    @GET
    @RunOnVirtualThread
    public HubSearch.Result models(@QueryParam("search") @DefaultValue("") String words,
                                   @QueryParam("task") String task,
                                   @QueryParam("sort") @DefaultValue("downloads") String sort,
                                   @QueryParam("limit") @DefaultValue("20") int limit) {
        if (words.length() > MAX_SEARCH_CHARS || words.chars().anyMatch(Character::isISOControl)) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "search must be at most " + MAX_SEARCH_CHARS
                    + " printable characters");
        }
        if (!SORTS.contains(sort)) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "sort must be downloads, likes or trending");
        }
        if (limit < 1 || limit > 50) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "limit must be between 1 and 50");
        }
        return search.search(words, RequestValidator.task(task), sort, limit);
    }
}
