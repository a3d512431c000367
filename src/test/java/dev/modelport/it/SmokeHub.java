package dev.modelport.it;

import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;

import java.nio.file.Path;

/**
 * For docker/smoke-test.sh: writes a tiny BERT sentiment repo ({@value #REPO}) under ROOT and serves ROOT
 * as a hub on PORT until killed. {@code java -cp ... dev.modelport.it.SmokeHub ROOT PORT}
 */
public final class SmokeHub {
    static final String REPO = "smoke-org/tiny-bert-sentiment";

    private SmokeHub() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path root = Path.of(args[0]);
        TinyCheckpoints.bert(root.resolve(REPO), Head.SEQUENCE_CLASSIFICATION);
        FakeHub.main(args);
    }
}
