package dev.modelport.runtime.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.safetensors.TensorInfo;
import dev.modelport.runtime.weights.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A repo's PyTorch pickle weights, for repos that have no safetensors: {@code pytorch_model.bin},
 * or the shards {@code pytorch_model.bin.index.json} lists in its {@code weight_map}
 * ({@code pytorch_model-00001-of-00002.bin}, ...). Each file is read by {@link TorchPickleFile}:
 * nothing in it runs, and anything beyond torch's weights-only allow-list refuses the deployment
 * with {@code UNSAFE_WEIGHTS}.
 */
public final class PickleCheckpoint implements Checkpoint {

    public static final String SINGLE_FILE = "pytorch_model.bin";
    public static final String INDEX_FILE = "pytorch_model.bin.index.json";
    private static final Pattern SHARD = Pattern.compile("[A-Za-z0-9_.-]+\\.bin");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final List<TorchPickleFile> files;
    private final Map<String, TorchPickleFile> fileOf;

    private PickleCheckpoint(String source, List<TorchPickleFile> files, Map<String, TorchPickleFile> fileOf) {
        this.source = source;
        this.files = files;
        this.fileOf = fileOf;
    }

    /** Whether the folder holds PyTorch pickle weights this class reads. */
    public static boolean isPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(SINGLE_FILE)) || Files.isRegularFile(dir.resolve(INDEX_FILE));
    }

    public static PickleCheckpoint open(Path dir) {
        return open(dir, PickleLimits.DEFAULT);
    }

    public static PickleCheckpoint open(Path dir, PickleLimits limits) {
        if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) {
            TorchPickleFile file = TorchPickleFile.open(dir.resolve(SINGLE_FILE), SINGLE_FILE, limits);
            Map<String, TorchPickleFile> fileOf = new HashMap<>();
            file.tensors().keySet().forEach(n -> fileOf.put(n, file));
            return new PickleCheckpoint(SINGLE_FILE, List.of(file), fileOf);
        }
        if (Files.isRegularFile(dir.resolve(INDEX_FILE))) {
            return openSharded(dir, limits);
        }
        throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                "no " + SINGLE_FILE + " or " + INDEX_FILE + " in the model folder");
    }

    private static PickleCheckpoint openSharded(Path dir, PickleLimits limits) {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(dir.resolve(INDEX_FILE).toFile()).get("weight_map");
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, INDEX_FILE + " is not valid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, INDEX_FILE + " has no weight_map");
        }
        Map<String, TorchPickleFile> byName = new LinkedHashMap<>();
        Map<String, TorchPickleFile> fileOf = new HashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
                String shard = e.getValue().asText();
                if (!SHARD.matcher(shard).matches() || shard.startsWith(".")) {
                    throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                            INDEX_FILE + " names an invalid shard '" + Messages.clean(shard) + "'");
                }
                TorchPickleFile file = byName.get(shard);
                if (file == null) {
                    if (!Files.isRegularFile(dir.resolve(shard))) {
                        throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                                INDEX_FILE + " lists shard " + shard + ", which is missing");
                    }
                    file = TorchPickleFile.open(dir.resolve(shard), shard, limits);
                    byName.put(shard, file);
                }
                if (!file.tensors().containsKey(e.getKey())) {
                    throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, INDEX_FILE + " places tensor '"
                            + Messages.clean(e.getKey()) + "' in " + shard + ", which does not hold it");
                }
                fileOf.put(e.getKey(), file);
            }
        } catch (RuntimeException e) {
            byName.values().forEach(TorchPickleFile::close);
            throw e;
        }
        return new PickleCheckpoint(INDEX_FILE, new ArrayList<>(byName.values()), fileOf);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(fileOf.keySet());
    }

    @Override
    public boolean has(String name) {
        return fileOf.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TorchPickleFile f = fileOf.get(name);
        return f == null ? null : f.tensors().get(name);
    }

    @Override
    public TorchPickleFile fileOf(String name) {
        return fileOf.get(name);
    }

    @Override
    public void close() {
        files.forEach(TorchPickleFile::close);
    }
}
