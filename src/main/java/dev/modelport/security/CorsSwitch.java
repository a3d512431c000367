package dev.modelport.security;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Turns Quarkus' CORS filter on exactly when CORS_ORIGINS names an origin. Left on with no origins it
 * would refuse cross-origin requests the service never meant to judge (a TLS proxy in front makes
 * same-origin calls look cross-origin), so "no origins" means "no CORS filter".
 */
public class CorsSwitch implements ConfigSourceFactory {
    static final String ORIGINS = "modelport.security.cors-origins";
    static final String ENABLED = "quarkus.http.cors.enabled";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue origins = context.getValue(ORIGINS);
        boolean on = origins != null && origins.getValue() != null && !origins.getValue().isBlank();
        // low ordinal: an explicit quarkus.http.cors.enabled anywhere else still wins
        return List.of(new PropertiesConfigSource(Map.of(ENABLED, String.valueOf(on)), "modelport-cors-switch", 50));
    }
}
