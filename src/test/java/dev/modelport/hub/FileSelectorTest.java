package dev.modelport.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** DESIGN.md's file selection on the file lists of typical Hub repos. */
class FileSelectorTest {
    private final FileSelector selector = new FileSelector();

    private static List<RepoFile> files(String... paths) {
        return Arrays.stream(paths).map(p -> new RepoFile(p, 10, null, "0".repeat(40))).toList();
    }

    private static List<String> selected(FileSelection s) {
        return s.selected().stream().map(RepoFile::path).sorted().toList();
    }

    private static Map<String, String> reasons(FileSelection s) {
        return s.skipped().stream().collect(Collectors.toMap(SkippedFile::path, SkippedFile::reason));
    }

    @Test
    void safetensorsRepoTakesConfigTokenizerAndSafetensorsOnly() {
        FileSelection s = selector.select(files(".gitattributes", "README.md", "config.json", "model.safetensors",
                "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "rust_model.ot", "onnx/model.onnx",
                "onnx/tokenizer.json", "openvino/openvino_model.xml", "model.gguf", "special_tokens_map.json",
                "tokenizer.json", "tokenizer_config.json", "vocab.txt", "generation_config.json", "coreml/model.mlmodel"));
        assertEquals(List.of("config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json",
                "tokenizer.json", "tokenizer_config.json", "vocab.txt"), selected(s));
        Map<String, String> why = reasons(s);
        assertEquals("TensorFlow weights — not used by the PyTorch engine", why.get("tf_model.h5"));
        assertEquals("Flax/JAX weights — not used by the PyTorch engine", why.get("flax_model.msgpack"));
        assertEquals("Rust (tch) weights — not used by the PyTorch engine", why.get("rust_model.ot"));
        assertEquals("ONNX export — not used by the PyTorch engine", why.get("onnx/model.onnx"));
        assertEquals("ONNX export — not used by the PyTorch engine", why.get("onnx/tokenizer.json"));
        assertEquals("OpenVINO export — not used by the PyTorch engine", why.get("openvino/openvino_model.xml"));
        assertEquals("Core ML export — not used by the PyTorch engine", why.get("coreml/model.mlmodel"));
        assertTrue(why.get("model.gguf").startsWith("GGUF"));
        assertTrue(why.get("pytorch_model.bin").contains("safetensors weights are used instead"));
        assertEquals("not needed", why.get("README.md"));
        assertEquals("not needed", why.get(".gitattributes"));
        assertEquals(18, s.selected().size() + s.skipped().size(), "every file is either selected or skipped");
    }

    @Test
    void anOpusMtRepoTakesMarianTokenizersFiles() {
        // Helsinki-NLP/opus-mt-en-de's file list
        FileSelection s = selector.select(files(".gitattributes", "README.md", "config.json", "generation_config.json",
                "metadata.json", "pytorch_model.bin", "model.safetensors", "rust_model.ot", "tf_model.h5", "source.spm",
                "target.spm", "tokenizer_config.json", "vocab.json"));
        assertEquals(List.of("config.json", "generation_config.json", "model.safetensors", "source.spm", "target.spm",
                "tokenizer_config.json", "vocab.json"), selected(s));
        // separate_vocabs repos: fetched so that the tokenizer can refuse them, saying why
        assertTrue(selected(selector.select(files("config.json", "model.safetensors", "target_vocab.json")))
                .contains("target_vocab.json"));
    }

    @Test
    void pickleOnlyRepoTakesPytorchModelBinAndNoOtherPickle() {
        FileSelection s = selector.select(files("config.json", "pytorch_model.bin", "vocab.txt", "training_args.bin",
                "optimizer.pt", "tf_model.h5"));
        assertEquals(List.of("config.json", "pytorch_model.bin", "vocab.txt"), selected(s));
        assertTrue(reasons(s).get("training_args.bin").contains("never loaded"));
        assertEquals("other weights — pytorch_model.bin is used", reasons(s).get("optimizer.pt"));
    }

    @Test
    void shardedPickleRepoTakesIndexAndAllShards() {
        FileSelection s = selector.select(files("config.json", "pytorch_model.bin.index.json",
                "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin", "tokenizer.json"));
        assertEquals(List.of("config.json", "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin",
                "pytorch_model.bin.index.json", "tokenizer.json"), selected(s));
    }

    @Test
    void singlePickleWinsOverItsShardsAndShardsWithoutIndexAreNotLoadable() {
        FileSelection both = selector.select(files("config.json", "pytorch_model.bin", "pytorch_model.bin.index.json",
                "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"));
        assertEquals(List.of("config.json", "pytorch_model.bin"), selected(both));
        assertEquals("other weights — pytorch_model.bin is used", reasons(both).get("pytorch_model-00001-of-00002.bin"));
        FileSelection noIndex = selector.select(files("config.json", "pytorch_model-00001-of-00002.bin"));
        assertEquals(List.of("config.json"), selected(noIndex));
        assertTrue(reasons(noIndex).get("pytorch_model-00001-of-00002.bin").contains("not loadable"));
    }

    @Test
    void safetensorsWinOverPickles() {
        FileSelection s = selector.select(files("config.json", "model.safetensors", "pytorch_model.bin"));
        assertEquals(List.of("config.json", "model.safetensors"), selected(s));
        assertEquals("PyTorch pickle weights — the safetensors weights are used instead", reasons(s).get("pytorch_model.bin"));
        FileSelection sharded = selector.select(files("config.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "pytorch_model.bin"));
        assertFalse(selected(sharded).contains("pytorch_model.bin"));
    }

    @Test
    void shardedSafetensorsTakeIndexAndAllShards() {
        FileSelection s = selector.select(files("config.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin",
                "merges.txt", "vocab.json", "tokenizer.model", "added_tokens.json"));
        assertEquals(List.of("added_tokens.json", "config.json", "merges.txt", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.model", "vocab.json"), selected(s));
        assertTrue(reasons(s).keySet().stream().allMatch(p -> p.startsWith("pytorch_model")));
    }

    @Test
    void aDebertaV3RepoGetsItsSentencePieceModel() {
        // microsoft/deberta-v3-base's tokenizer files, beside a converted safetensors
        FileSelection s = selector.select(files("config.json", "model.safetensors", "pytorch_model.bin", "spm.model",
                "tokenizer_config.json", "added_tokens.json", "special_tokens_map.json", "generator_config.json"));
        assertEquals(List.of("added_tokens.json", "config.json", "model.safetensors", "special_tokens_map.json", "spm.model",
                "tokenizer_config.json"), selected(s));
    }

    @Test
    void singleSafetensorsWinsOverShardsOfTheSameWeights() {
        FileSelection s = selector.select(files("config.json", "model.safetensors", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
        assertEquals(List.of("config.json", "model.safetensors"), selected(s));
        assertEquals("other weights — model.safetensors is used", reasons(s).get("model-00001-of-00002.safetensors"));
    }

    @Test
    void torchScriptWhenThereIsNoSafetensorsOrPytorchModelBin() {
        FileSelection s = selector.select(files("config.json", "traced_model.pt", "optimizer.pt", "sub/other.pt", "training_args.bin"));
        assertEquals(List.of("config.json", "traced_model.pt"), selected(s));
        assertTrue(reasons(s).containsKey("optimizer.pt"));
        assertTrue(reasons(s).containsKey("sub/other.pt"));
        // a repo with both: the pickle goes through the architecture's own program, the .pt is skipped
        FileSelection both = selector.select(files("config.json", "traced_model.pt", "pytorch_model.bin"));
        assertEquals(List.of("config.json", "pytorch_model.bin"), selected(both));
        assertEquals("other weights — pytorch_model.bin is used", reasons(both).get("traced_model.pt"));
    }

    @Test
    void sentenceTransformersFilesAreSelected() {
        FileSelection s = selector.select(files("config.json", "model.safetensors", "modules.json", "sentence_bert_config.json",
                "config_sentence_transformers.json", "1_Pooling/config.json", "2_Normalize/config.json", "tokenizer.json",
                "onnx/config.json", "data_config.json", "train_script.py"));
        assertEquals(List.of("1_Pooling/config.json", "2_Normalize/config.json", "config.json", "config_sentence_transformers.json",
                "model.safetensors", "modules.json", "sentence_bert_config.json", "tokenizer.json"), selected(s));
        assertEquals("not needed", reasons(s).get("train_script.py"));
    }

    @Test
    void totalBytesCountSelectedFilesOnly() {
        FileSelection s = selector.select(List.of(new RepoFile("config.json", 100, null, "a".repeat(40)),
                new RepoFile("model.safetensors", 5000, "b".repeat(64), "c".repeat(40)),
                new RepoFile("tf_model.h5", 9000, "d".repeat(64), "e".repeat(40))));
        assertEquals(5100, s.totalBytes());
    }
}
