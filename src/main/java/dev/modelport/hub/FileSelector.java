package dev.modelport.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DESIGN.md's file selection: config, tokenizer, generation and sentence-transformers files, and one
 * weights format, first found of: model.safetensors; its sharded index + shards; pytorch_model.bin;
 * its sharded index + shards (PyTorch pickles, read by the runtime's weights-only unpickler, which runs
 * nothing in them); a top-level TorchScript .pt. Safetensors always win over pickles, and no other
 * pickle file (training_args.bin, optimizer state, ...) is ever selected. Every other file is skipped
 * with a reason the wizard shows.
 */
final class FileSelector {
    static final String SAFETENSORS = "model.safetensors";
    static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    static final String PICKLE = "pytorch_model.bin";
    static final String PICKLE_INDEX = "pytorch_model.bin.index.json";

    private static final Set<String> TOP_LEVEL = Set.of(
            "config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
            "vocab.txt", "vocab.json", "merges.txt", "tokenizer.model", "sentencepiece.bpe.model", "spiece.model", "spm.model",
            "source.spm", "target.spm", "target_vocab.json",
            "chat_template.jinja", "chat_template.json",
            "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json");
    /** Configs of sentence-transformers modules such as 1_Pooling/config.json or 2_Normalize/config.json. */
    private static final Pattern ST_MODULE_CONFIG = Pattern.compile("\\d+_[A-Za-z]+/config\\.json");
    private static final Pattern SHARD = Pattern.compile("model-\\d+-of-\\d+\\.safetensors");
    private static final Pattern PICKLE_SHARD = Pattern.compile("pytorch_model-\\d+-of-\\d+\\.bin");
    /** Top-level .pt files that are training state, not TorchScript models. */
    private static final Pattern TRAINING_STATE = Pattern.compile("(optimizer|scheduler|rng_state.*|training_args|scaler)\\.pt");

    private static final String NOT_USED = " — not used by the PyTorch engine";

    FileSelection select(List<RepoFile> files) {
        List<RepoFile> weights = chooseWeights(files);
        List<RepoFile> selected = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (RepoFile f : files) {
            if (weights.contains(f) || isSupportFile(f.path())) {
                selected.add(f);
            } else {
                skipped.add(new SkippedFile(f.path(), f.size(), reason(f.path(), weights)));
            }
        }
        return new FileSelection(List.copyOf(selected), List.copyOf(skipped));
    }

    private static boolean isSupportFile(String path) {
        return TOP_LEVEL.contains(path) || ST_MODULE_CONFIG.matcher(path).matches();
    }

    private static List<RepoFile> chooseWeights(List<RepoFile> files) {
        List<RepoFile> safetensors = singleOrSharded(files, SAFETENSORS, SAFETENSORS_INDEX, SHARD);
        if (!safetensors.isEmpty()) {
            return safetensors;
        }
        List<RepoFile> pickle = singleOrSharded(files, PICKLE, PICKLE_INDEX, PICKLE_SHARD);
        if (!pickle.isEmpty()) {
            return pickle;
        }
        List<RepoFile> torchScript = files.stream()
                .filter(f -> !f.path().contains("/") && f.path().endsWith(".pt") && !TRAINING_STATE.matcher(f.path()).matches())
                .toList();
        return torchScript.stream().filter(f -> f.path().equals("model.pt")).findFirst()
                .or(() -> torchScript.stream().findFirst())
                .map(List::of)
                .orElse(List.of());
    }

    /** The single file, else the index and its shards, else nothing. */
    private static List<RepoFile> singleOrSharded(List<RepoFile> files, String single, String indexName, Pattern shard) {
        for (RepoFile f : files) {
            if (f.path().equals(single)) {
                return List.of(f);
            }
        }
        List<RepoFile> shards = files.stream().filter(f -> shard.matcher(f.path()).matches()).toList();
        RepoFile index = files.stream().filter(f -> f.path().equals(indexName)).findFirst().orElse(null);
        if (index != null && !shards.isEmpty()) {
            List<RepoFile> set = new ArrayList<>();
            set.add(index);
            set.addAll(shards);
            return List.copyOf(set);
        }
        return List.of();
    }

    private static String reason(String path, List<RepoFile> weights) {
        String lower = path.toLowerCase(Locale.ROOT);
        String name = lower.substring(lower.lastIndexOf('/') + 1);
        boolean haveWeights = !weights.isEmpty();
        if (lower.startsWith("onnx/") || lower.contains("/onnx/") || name.endsWith(".onnx") || name.endsWith(".onnx_data")) {
            return "ONNX export" + NOT_USED;
        }
        if (lower.startsWith("openvino/") || name.startsWith("openvino_")) {
            return "OpenVINO export" + NOT_USED;
        }
        if (lower.startsWith("coreml/") || name.endsWith(".mlmodel") || lower.contains(".mlpackage")) {
            return "Core ML export" + NOT_USED;
        }
        if (name.endsWith(".h5") || name.endsWith(".tflite") || lower.startsWith("tf_")) {
            return "TensorFlow weights" + NOT_USED;
        }
        if (name.endsWith(".msgpack")) {
            return "Flax/JAX weights" + NOT_USED;
        }
        if (name.endsWith(".ot")) {
            return "Rust (tch) weights" + NOT_USED;
        }
        if (name.endsWith(".gguf") || name.endsWith(".ggml")) {
            return "GGUF (llama.cpp) weights" + NOT_USED;
        }
        if (name.startsWith("pytorch_model") && (name.endsWith(".bin") || name.endsWith(".bin.index.json"))) {
            if (!haveWeights) {
                return "PyTorch pickle weights without their shard index (or shards) — not loadable";
            }
            return weights.get(0).path().endsWith(".safetensors") || weights.get(0).path().equals(SAFETENSORS_INDEX)
                    ? "PyTorch pickle weights — the safetensors weights are used instead"
                    : "other weights — " + weights.get(0).path() + " is used";
        }
        if (name.endsWith(".bin") || name.endsWith(".pkl") || name.endsWith(".pickle") || name.endsWith(".pth")
                || name.endsWith(".ckpt")) {
            return "pickle file — not model weights, never loaded (pickle can run code)";
        }
        if (name.endsWith(".safetensors") || name.equals(SAFETENSORS_INDEX)) {
            return haveWeights ? "other weights — " + weights.get(0).path() + " is used" : "weights without their shard index — not loadable";
        }
        if (name.endsWith(".pt")) {
            return haveWeights ? "other weights — " + weights.get(0).path() + " is used" : "PyTorch training state — not a model";
        }
        return "not needed";
    }
}
