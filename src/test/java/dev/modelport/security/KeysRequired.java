package dev.modelport.security;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The service as an operator secures it: two keys, metrics behind them, one allowed CORS origin. */
public class KeysRequired implements QuarkusTestProfile {
    static final String KEY = "test-key-0123456789";
    static final String OTHER_KEY = "second-key-abcdef";
    static final String ORIGIN = "https://ui.example.test";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "modelport.security.api-key-enabled", "true",
                "modelport.security.api-keys", KEY + ", " + OTHER_KEY,
                "modelport.security.metrics-require-api-key", "true",
                "modelport.security.cors-origins", ORIGIN);
    }
}
