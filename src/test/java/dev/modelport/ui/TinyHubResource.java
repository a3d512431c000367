package dev.modelport.ui;

import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fake Hub serving a tiny DistilBERT sentiment model, {@value #MODEL_ID}, and one tiny model per other encoder
 * head, with the service's cache and
 * deployment folders in a fresh temporary directory.
 */
public class TinyHubResource implements QuarkusTestResourceLifecycleManager {

    public static final String MODEL_ID = "tiny-org/tiny-sentiment";
    public static final String SKIPPED_FILE = "onnx/model.onnx";
    /** One tiny repo per other encoder head, for the try-it panels. */
    public static final String NER_ID = "tiny-org/tiny-ner";
    public static final String MLM_ID = "tiny-org/tiny-mlm";
    public static final String QA_ID = "tiny-org/tiny-qa";
    public static final String ENCODER_ID = "tiny-org/tiny-encoder";
    /** Slow enough that the download stage lasts a moment a person can see on the screenshots. */
    private static final long HUB_BYTES_PER_SECOND = 256 * 1024;

    private FakeHub hub;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("modelport-ui-e2e");
            Path repos = dir.resolve("hub");
            TinyCheckpoints.distilbert(repos.resolve(MODEL_ID), Head.SEQUENCE_CLASSIFICATION);
            TinyCheckpoints.bert(repos.resolve(NER_ID), Head.TOKEN_CLASSIFICATION);
            TinyCheckpoints.bert(repos.resolve(MLM_ID), Head.MASKED_LM);
            TinyCheckpoints.distilbert(repos.resolve(QA_ID), Head.QUESTION_ANSWERING);
            TinyCheckpoints.bert(repos.resolve(ENCODER_ID), Head.BASE);
            // an export the file selection must skip, so the dependencies step shows a skipped file
            FakeHub.writeFile(repos, MODEL_ID, SKIPPED_FILE, new byte[4096]);
            hub = FakeHub.start(repos).throttle(HUB_BYTES_PER_SECOND);
            return Map.of(
                    "modelport.hub.endpoint", hub.url(),
                    "modelport.hub.offline", "false",
                    "modelport.storage.hub-cache", dir.resolve("cache").toString(),
                    "modelport.storage.model-storage-path", dir.resolve("deployed").toString(),
                    "modelport.storage.restore-on-startup", "false",
                    // the test must not depend on ports 8100-8200 being free on the machine
                    "modelport.serving.dedicated-ports-enabled", "false");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
    }
}
