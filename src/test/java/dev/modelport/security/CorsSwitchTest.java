package dev.modelport.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CORS filter follows CORS_ORIGINS through application.properties' expression, as in production. */
class CorsSwitchTest {

    private static boolean corsEnabled(Map<String, String> env) {
        Map<String, String> app = new HashMap<>(Map.of(CorsSwitch.ORIGINS, "${CORS_ORIGINS:}"));
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(app, "application.properties", 250))
                .withSources(new PropertiesConfigSource(env, "env", 300))
                .withSources(new CorsSwitch())
                .build();
        return config.getValue(CorsSwitch.ENABLED, Boolean.class);
    }

    @Test
    void onOnlyWhenAnOriginIsNamed() {
        assertTrue(corsEnabled(Map.of("CORS_ORIGINS", "https://app.example.com")));
        assertFalse(corsEnabled(Map.of()), "unset");
        assertFalse(corsEnabled(Map.of("CORS_ORIGINS", "")), "empty, as in .env");
        assertFalse(corsEnabled(Map.of("CORS_ORIGINS", "  ")), "blank");
    }

    @Test
    void anExplicitSettingWins() {
        assertTrue(corsEnabled(Map.of("quarkus.http.cors.enabled", "true")));
    }
}
