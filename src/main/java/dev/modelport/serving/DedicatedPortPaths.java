package dev.modelport.serving;

import java.util.Optional;
import java.util.Set;

/**
 * Where a path on deployment D's own port leads on the main port. The port serves D alone: every
 * target names D, and a path that names anything else has no target (404), so no other deployment
 * and no management route is reachable through it.
 *
 * <ul>
 *   <li>{@code /predict} → {@code /api/v1/deployments/D/inference} (the wrapped answer, streaming included)</li>
 *   <li>{@code /} → {@code /models/D} (the bare Inference API answer, for {@code InferenceClient})</li>
 *   <li>{@code /generate}, {@code /generate_stream}, TEI's {@code /info}, {@code /embed}, {@code /embed_all},
 *       {@code /rerank}, {@code /similarity}, {@code /tokenize}, {@code /decode} → {@code /models/D/<same>}</li>
 *   <li>{@code /v1/...} → {@code /models/D/v1/...} (OpenAI routes with D as the model)</li>
 *   <li>a path already under {@code /models/D} or D's inference route stays as it is</li>
 * </ul>
 */
final class DedicatedPortPaths {
    private static final Set<String> UNDER_MODEL = Set.of("/generate", "/generate_stream", "/info", "/embed", "/embed_all",
            "/rerank", "/similarity", "/tokenize", "/decode");

    private DedicatedPortPaths() {
    }

    /** The main port's path for {@code path} on {@code deployment}'s port, if it has one. */
    static Optional<String> target(String path, String deployment) {
        String model = "/models/" + deployment;
        String inference = "/api/v1/deployments/" + deployment + "/inference";
        if (path.equals(inference) || path.equals(model) || path.startsWith(model + "/")) {
            return Optional.of(path);
        }
        if (path.equals("/") || path.isEmpty()) {
            return Optional.of(model);
        }
        if (path.equals("/predict")) {
            return Optional.of(inference);
        }
        if (UNDER_MODEL.contains(path) || path.startsWith("/v1/")) {
            return Optional.of(model + path);
        }
        return Optional.empty();
    }
}
