package dev.modelport.runtime.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.safetensors.SafetensorsCheckpoint;
import dev.modelport.runtime.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checkpoints torch and transformers wrote (scripts/goldens/make_pickle_cases.py): every tensor
 * of the golden case's safetensors is in the pickle with the same dtype, shape and bytes, whether it
 * lies in a zip record or the legacy layout, is an offset view of a shared storage, a transposed
 * view, or spread over shards; slices of any row range give the same bytes as safetensors'.
 */
class RealPickleCheckpointsTest {

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(PickleResources.checkpoints())) {
            List<Path> all = dirs.filter(Files::isDirectory).sorted().toList();
            assertTrue(all.size() >= 8, "cases: " + all);
            return all.stream();
        }
    }

    private static JsonNode source(Path dir) throws IOException {
        return new ObjectMapper().readTree(dir.resolve("source.json").toFile());
    }

    static Path golden(Path dir) throws IOException {
        return PickleResources.root().resolveSibling("goldens").resolve(source(dir).path("golden").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTensorHasTheSafetensorsBytes(Path dir) throws IOException {
        JsonNode source = source(dir);
        try (PickleCheckpoint pickle = PickleCheckpoint.open(dir); SafetensorsCheckpoint st = SafetensorsCheckpoint.open(golden(dir))) {
            for (String name : st.names()) {
                TensorInfo want = st.info(name);
                TensorInfo got = pickle.info(name);
                assertNotNull(got, dir.getFileName() + " lacks " + name);
                assertEquals(want.dtype(), got.dtype(), name);
                assertArrayEquals(want.shape(), got.shape(), name);
                assertEquals(want.byteSize(), got.byteSize(), name);
                assertEquals(bytes(st.fileOf(name).slice(want, 0, want.byteSize())),
                        bytes(pickle.fileOf(name).slice(got, 0, got.byteSize())), name);
                // a part of rows, as the hand-off takes a big tensor, starting at row 1
                if (want.shape().length > 0 && want.shape()[0] > 2) {
                    long row = want.byteSize() / want.shape()[0];
                    assertEquals(bytes(st.fileOf(name).slice(want, row, row * 2)),
                            bytes(pickle.fileOf(name).slice(got, row, row * 2)), name + " rows 1-2");
                }
            }
            assertEquals(st.names().size() + source.path("extra_tensors").size(), pickle.names().size());
            String layout = source.path("layout").asText();
            for (String name : pickle.names()) {
                assertEquals(layout.equals("zip") ? TorchPickleFile.Format.ZIP : TorchPickleFile.Format.LEGACY,
                        pickle.fileOf(name).format());
            }
        }
    }

    private static String bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return java.util.HexFormat.of().formatHex(out);
    }

    @Test
    void tiedWeightsShareOneStorageAndViewsAreReadInPlaceOrCopied() throws IOException {
        try (PickleCheckpoint gpt2 = PickleCheckpoint.open(PickleResources.checkpoints().resolve("gpt2"))) {
            TensorInfo wte = gpt2.info("transformer.wte.weight");
            TensorInfo head = gpt2.info("lm_head.weight");
            assertEquals(wte.begin(), head.begin(), "lm_head.weight is transformer.wte.weight's storage");
            assertTrue(gpt2.fileOf("lm_head.weight").slice(head, 0, 64).isDirect());
        }
        try (PickleCheckpoint views = PickleCheckpoint.open(PickleResources.checkpoints().resolve("bert-views"))) {
            TensorInfo q = views.info("encoder.layer.0.attention.self.query.weight");
            TensorInfo k = views.info("encoder.layer.0.attention.self.key.weight");
            assertEquals(q.end(), k.begin(), "key is the view after query in one storage");
            assertFalse(q.begin() == views.info("encoder.layer.0.attention.self.value.weight").begin());
        }
    }
}
