package dev.modelport.hub;

import dev.modelport.testing.hub.FakeHub;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/** Small model repos in the genuine Hub layout for the hub tests, and client settings pointing at a FakeHub. */
final class TestRepos {
    static final String REPO = "test-org/tiny-bert";
    /** Files at least this big are LFS files in these tests, so weights are and configs are not. */
    static final long LFS_THRESHOLD = 64 * 1024;

    private TestRepos() {
    }

    /** A real safetensors file holding one F32 tensor of random values. */
    static byte[] safetensors(int floats, long seed) {
        String header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],\"data_offsets\":[0," + (4L * floats) + "]}}";
        byte[] h = (header + " ".repeat((8 - header.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Random r = new Random(seed);
        for (int i = 0; i < floats; i++) {
            buf.putFloat((float) r.nextGaussian());
        }
        return buf.array();
    }

    /** A sentence-transformers style BERT repo with about {@code 4 * weightFloats} bytes of weights. */
    static void bertRepo(Path root, String repo, int weightFloats) {
        FakeHub.writeFile(root, repo, "config.json", bytes("{\"architectures\":[\"BertModel\"],\"model_type\":\"bert\",\"hidden_size\":32}"));
        FakeHub.writeFile(root, repo, "tokenizer.json", bytes("{\"version\":\"1.0\",\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0}}}"));
        FakeHub.writeFile(root, repo, "tokenizer_config.json", bytes("{\"do_lower_case\":true}"));
        FakeHub.writeFile(root, repo, "modules.json", bytes("[{\"idx\":0,\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
                + "{\"idx\":1,\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}]"));
        FakeHub.writeFile(root, repo, "1_Pooling/config.json", bytes("{\"pooling_mode_mean_tokens\":true}"));
        FakeHub.writeFile(root, repo, "model.safetensors", safetensors(weightFloats, 7));
        FakeHub.writeFile(root, repo, "README.md", bytes("# tiny"));
        FakeHub.writeFile(root, repo, ".gitattributes", bytes("*.safetensors filter=lfs diff=lfs merge=lfs -text"));
        FakeHub.writeFile(root, repo, ".hubmeta.json", bytes("{\"pipeline_tag\":\"feature-extraction\",\"tags\":[\"bert\",\"sentence-transformers\"],"
                + "\"library_name\":\"sentence-transformers\"}"));
    }

    static HubSettings settings(FakeHub hub, Path cache) {
        return new HubSettings(hub.url(), null, false, cache, Duration.ofSeconds(60), Duration.ofSeconds(2), 3, 4);
    }

    static HubSettings withToken(HubSettings s, String token) {
        return new HubSettings(s.endpoint(), token, s.offline(), s.cacheDir(), s.downloadTimeout(), s.stallTimeout(), s.retries(), s.parallelism());
    }

    static HubSettings offline(HubSettings s) {
        return new HubSettings(s.endpoint(), s.token(), true, s.cacheDir(), s.downloadTimeout(), s.stallTimeout(), s.retries(), s.parallelism());
    }

    static HubSettings timing(HubSettings s, Duration downloadTimeout, Duration stallTimeout, int retries) {
        return new HubSettings(s.endpoint(), s.token(), s.offline(), s.cacheDir(), downloadTimeout, stallTimeout, retries, s.parallelism());
    }

    static HubSettings parallelism(HubSettings s, int files) {
        return new HubSettings(s.endpoint(), s.token(), s.offline(), s.cacheDir(), s.downloadTimeout(), s.stallTimeout(), s.retries(), files);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
