package dev.modelport.ui;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Turns Quinoa on for browser tests (it is off in tests by default), so that {@code ./mvnw test} builds
 * src/main/webui with npm, runs its vitest suite ({@code npm test}; a failure fails the build) and serves
 * it from the test port; and points the service at a fake Hub.
 */
public class BrowserTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.quinoa", "true", "quarkus.quinoa.run-tests", "true");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(TinyHubResource.class));
    }
}
