package dev.modelport.api;

import dev.modelport.runtime.Head;
import dev.modelport.runtime.pickle.PickleResources;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Starts a {@link FakeHub} on loopback serving small repos in genuine layouts, and points the service
 * (hub endpoint, cache, metadata, logs) at it and at fresh folders.
 */
public class TestHub implements QuarkusTestResourceLifecycleManager {
    public static final String SENTIMENT = "test-org/tiny-bert-sentiment";
    public static final String NER = "test-org/tiny-bert-ner";
    public static final String XLNET = "test-org/tiny-xlnet";
    /** transformers' own pytorch_model.bin of the bert-seqcls golden, and no safetensors. */
    public static final String PICKLE_ONLY = "test-org/pickle-only";
    /** The llama-sharded golden as pytorch_model-0000N-of-00004.bin shards and their index. */
    public static final String PICKLE_SHARDED = "test-org/pickle-sharded";
    /** A real config and tokenizer with a pytorch_model.bin whose pickle calls os.system. */
    public static final String PICKLE_HOSTILE = "test-org/pickle-hostile";
    public static final String GATED = "test-org/gated-bert";
    public static final String NO_CONFIG = "test-org/no-config";
    public static final String TO_CANCEL = "test-org/tiny-distilbert-cancel";
    /** Its safetensors header claims 20 G bfloat16 parameters (the file holds none): too big for the limits. */
    public static final String HUGE = "test-org/huge-llama";

    private FakeHub hub;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("modelport-test");
            Path root = dir.resolve("hub");
            TinyCheckpoints.bert(root.resolve(SENTIMENT), Head.SEQUENCE_CLASSIFICATION);
            // decoys a PyTorch deployment must never fetch when safetensors exist
            write(root.resolve(SENTIMENT).resolve("pytorch_model.bin"), 300_000);
            write(root.resolve(SENTIMENT).resolve("tf_model.h5"), 200_000);
            write(root.resolve(SENTIMENT).resolve("onnx/model.onnx"), 100_000);
            TinyCheckpoints.bert(root.resolve(NER), Head.TOKEN_CLASSIFICATION);
            TinyCheckpoints.bert(root.resolve(GATED), Head.SEQUENCE_CLASSIFICATION);
            TinyCheckpoints.distilbert(root.resolve(TO_CANCEL), Head.SEQUENCE_CLASSIFICATION);
            // an architecture the runtime does not implement
            Path xlnet = Files.createDirectories(root.resolve(XLNET));
            Files.writeString(xlnet.resolve("config.json"), """
                    {"architectures": ["XLNetLMHeadModel"], "model_type": "xlnet", "d_model": 32, "n_layer": 2,
                     "n_head": 4, "vocab_size": 100}""");
            write(xlnet.resolve("model.safetensors"), 4096);
            Path goldens = PickleResources.root().resolveSibling("goldens");
            pickleRepo(root.resolve(PICKLE_ONLY), PickleResources.checkpoints().resolve("bert-seqcls"), goldens.resolve("bert-seqcls"));
            write(root.resolve(PICKLE_ONLY).resolve("training_args.bin"), 1_000); // a pickle that is never fetched
            pickleRepo(root.resolve(PICKLE_SHARDED), PickleResources.checkpoints().resolve("llama-sharded"),
                    goldens.resolve("llama-sharded"));
            pickleRepo(root.resolve(PICKLE_HOSTILE), PickleResources.checkpoints().resolve("bert-seqcls"), goldens.resolve("bert-seqcls"));
            Files.copy(PickleResources.hostile().resolve("reduce-os-system.bin"),
                    root.resolve(PICKLE_HOSTILE).resolve("pytorch_model.bin"), StandardCopyOption.REPLACE_EXISTING);
            Path huge = Files.createDirectories(root.resolve(HUGE));
            Files.writeString(huge.resolve("config.json"), """
                    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "torch_dtype": "bfloat16"}""");
            Files.writeString(huge.resolve("tokenizer.json"), "{}");
            Files.writeString(huge.resolve(".hubmeta.json"), """
                    {"pipeline_tag": "text-generation", "downloads": 5, "likes": 2}""");
            byte[] header = """
                    {"model.embed_tokens.weight":{"dtype":"BF16","shape":[200000,100000],"data_offsets":[0,40000000000]}}"""
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.nio.ByteBuffer st = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            st.putLong(header.length).put(header);
            Files.write(huge.resolve("model.safetensors"), st.array());
            Path noConfig = Files.createDirectories(root.resolve(NO_CONFIG));
            write(noConfig.resolve("model.safetensors"), 1000);
            // small LFS threshold so the tiny weights travel like real LFS files (redirect, sha256)
            hub = FakeHub.start(root).lfsThreshold(50_000).gate(GATED);
            return Map.of(
                    "modelport.hub.endpoint", hub.url(),
                    "test.hub-root", root.toString(),
                    "modelport.hub.retries", "3",
                    // a stalled transfer (HubFaultsThroughApiTest) is dropped and resumed after this, not a minute
                    "modelport.hub.stall-timeout-seconds", "5",
                    "modelport.storage.hub-cache", dir.resolve("cache").toString(),
                    "modelport.storage.model-storage-path", dir.resolve("deployed").toString(),
                    "modelport.serving.dedicated-ports-enabled", "true",
                    "modelport.serving.deployment-port-range", "18100-18110");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pickle weights and config of {@code weights}, the tokenizer files of the golden case {@code tokenizer}. */
    private static void pickleRepo(Path repo, Path weights, Path tokenizer) throws IOException {
        Files.createDirectories(repo);
        try (Stream<Path> files = Files.list(weights)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("pytorch_model")).toList()) {
                Files.copy(f, repo.resolve(f.getFileName()));
            }
        }
        Files.copy(weights.resolve("config.json"), repo.resolve("config.json"));
        for (String name : new String[] {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
            if (Files.isRegularFile(tokenizer.resolve(name))) {
                Files.copy(tokenizer.resolve(name), repo.resolve(name));
            }
        }
    }

    private static void write(Path p, int size) throws IOException {
        Files.createDirectories(p.getParent());
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Files.write(p, b);
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
    }
}
