package dev.modelport.ui;

import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.minilm.MiniLmRepo;
import dev.modelport.testing.models.TinyCheckpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fake Hub for the browser tests: a tiny DistilBERT sentiment model, {@value #MODEL_ID}, one tiny model per other
 * encoder head, the real sentence-transformers/all-MiniLM-L6-v2 (its weights lifted from the ONNX export a Maven
 * jar ships, see {@link MiniLmRepo}), a tiny Qwen2 chat model, and an architecture the runtime does not run; the
 * service's cache and deployment folders in a fresh temporary directory. The hub also serves the model listing the
 * wizard's search asks for.
 */
public class TinyHubResource implements QuarkusTestResourceLifecycleManager {

    public static final String MODEL_ID = "tiny-org/tiny-sentiment";
    public static final String SKIPPED_FILE = "onnx/model.onnx";
    /** One tiny repo per other encoder head, for the try-it panels. */
    public static final String NER_ID = "tiny-org/tiny-ner";
    public static final String MLM_ID = "tiny-org/tiny-mlm";
    public static final String QA_ID = "tiny-org/tiny-qa";
    public static final String ENCODER_ID = "tiny-org/tiny-encoder";
    /** The real MiniLM embedding model, found by searching "minilm". */
    public static final String MINILM_ID = MiniLmRepo.MODEL_ID;
    /** A tiny Qwen2 causal LM whose tokenizer has a chat template. */
    public static final String CHAT_ID = "tiny-org/tiny-qwen2-chat";
    /** Deployed only to be cancelled mid-download (never fully in the cache, so its download is always slow). */
    public static final String SLOW_ID = "tiny-org/tiny-slow";
    /** XLNet, which the runtime does not run. */
    public static final String XLNET_ID = "tiny-org/tiny-xlnet";
    /** Dedicated ports of the browser tests, away from the service's default range and the API tests' one. */
    public static final String PORT_RANGE = "18950-18960";
    /** Slow enough that the download stage lasts a moment a person can see on the screenshots. */
    static final long HUB_BYTES_PER_SECOND = 256 * 1024;

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
            TinyCheckpoints.bert(repos.resolve(SLOW_ID), Head.TOKEN_CLASSIFICATION);
            // an export the file selection must skip, so the files step shows a skipped file
            FakeHub.writeFile(repos, MODEL_ID, SKIPPED_FILE, new byte[4096]);
            linkTree(MiniLmRepo.folder(), repos.resolve(MINILM_ID));
            // a new file, not the hard-linked one (that would rewrite the cached repo under target/)
            Files.delete(repos.resolve(MINILM_ID).resolve(".hubmeta.json"));
            Files.writeString(repos.resolve(MINILM_ID).resolve(".hubmeta.json"), """
                    {"pipeline_tag": "sentence-similarity", "library_name": "sentence-transformers", "downloads": 90000000,
                     "likes": 3000}""");
            TinyDecoders.llama(repos.resolve(CHAT_ID), TinyDecoders.Family.QWEN2, 2, 32, 4, 1, 40, true, null, 1, 23);
            Files.writeString(repos.resolve(CHAT_ID).resolve(".hubmeta.json"), """
                    {"pipeline_tag": "text-generation", "downloads": 1200, "likes": 7}""");
            Path xlnet = Files.createDirectories(repos.resolve(XLNET_ID));
            Files.writeString(xlnet.resolve("config.json"), """
                    {"architectures": ["XLNetLMHeadModel"], "model_type": "xlnet", "d_model": 32}""");
            Files.write(xlnet.resolve("model.safetensors"), new byte[2048]);
            Files.writeString(xlnet.resolve("tokenizer.json"), "{}");
            Files.writeString(xlnet.resolve(".hubmeta.json"), """
                    {"pipeline_tag": "text2text-generation", "downloads": 4, "likes": 1}""");
            hub = FakeHub.start(repos).throttle(HUB_BYTES_PER_SECOND);
            return Map.of(
                    "modelport.hub.endpoint", hub.url(),
                    "modelport.hub.offline", "false",
                    "modelport.storage.hub-cache", dir.resolve("cache").toString(),
                    "modelport.storage.model-storage-path", dir.resolve("deployed").toString(),
                    "modelport.storage.restore-on-startup", "false",
                    "modelport.serving.dedicated-ports-enabled", "true",
                    "modelport.serving.deployment-port-range", PORT_RANGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repo's files under {@code to}, hard-linked (copied where links are not possible). */
    private static void linkTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                try {
                    Files.createLink(target, p);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
    }
}
