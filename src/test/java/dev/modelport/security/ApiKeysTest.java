package dev.modelport.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    @Test
    void acceptsEveryListedKeyAndNothingElse() {
        ApiKeys keys = ApiKeys.of(true, List.of("alpha-key", " beta-key ", ""));
        assertTrue(keys.accepts("alpha-key"));
        assertTrue(keys.accepts("beta-key"), "entries are trimmed as read from API_KEYS=a, b");
        assertFalse(keys.accepts("alpha"), "a prefix of a key is not the key");
        assertFalse(keys.accepts("alpha-key-and-more"));
        assertFalse(keys.accepts("ALPHA-KEY"));
        assertFalse(keys.accepts(""), "the blank entry in the list is not a key");
        assertFalse(keys.accepts(null));
    }

    @Test
    void disabledAcceptsAnything() {
        ApiKeys keys = ApiKeys.of(false, List.of());
        assertFalse(keys.required());
        assertTrue(keys.accepts(null));
    }

    @Test
    void requiringKeysWithoutAnyRefusesToStart() {
        var e = assertThrows(IllegalStateException.class, () -> ApiKeys.of(true, List.of(" ", "")));
        assertTrue(e.getMessage().contains("API_KEYS"), e.getMessage());
    }

    @Test
    void pathsThatNeedAKey() {
        assertTrue(ApiKeyFilter.needsKey("/api/v1/system", false));
        assertTrue(ApiKeyFilter.needsKey("/api", false));
        assertTrue(ApiKeyFilter.needsKey("/v1/models", false));
        assertFalse(ApiKeyFilter.needsKey("/v1models", false));
        assertTrue(ApiKeyFilter.needsKey("/models/some-deployment", false));
        assertTrue(ApiKeyFilter.needsKey("/models/some-deployment/v1/chat/completions", false));
        assertTrue(ApiKeyFilter.needsKey("/models/my-deployment/embed", false), "the TEI routes need a key too");
        assertFalse(ApiKeyFilter.needsKey("/apidocs", false));
        assertFalse(ApiKeyFilter.needsKey("/q/health/ready", true));
        assertFalse(ApiKeyFilter.needsKey("/q/metrics", false));
        assertTrue(ApiKeyFilter.needsKey("/q/metrics", true));
        assertFalse(ApiKeyFilter.needsKey("/", true), "the web UI's page is served without a key");
    }
}
