package dev.modelport.runtime.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
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

/**
 * A repo's safetensors weights: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists in its {@code weight_map}. Every file is opened and
 * mapped once; tensors are looked up by their full checkpoint key.
 */
public final class SafetensorsCheckpoint implements Checkpoint {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf;

    private SafetensorsCheckpoint(String source, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
        this.source = source;
        this.files = files;
        this.fileOf = fileOf;
    }

    /** Whether the folder holds safetensors weights this class can open. */
    public static boolean isPresent(Path dir) {
        return Files.isRegularFile(dir.resolve(SINGLE_FILE)) || Files.isRegularFile(dir.resolve(INDEX_FILE));
    }

    public static SafetensorsCheckpoint open(Path dir) {
        if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) {
            SafetensorsFile file = SafetensorsFile.open(dir.resolve(SINGLE_FILE), SINGLE_FILE);
            Map<String, SafetensorsFile> fileOf = new HashMap<>();
            file.tensors().keySet().forEach(n -> fileOf.put(n, file));
            return new SafetensorsCheckpoint(SINGLE_FILE, List.of(file), fileOf);
        }
        if (Files.isRegularFile(dir.resolve(INDEX_FILE))) {
            return openSharded(dir);
        }
        throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                "no " + SINGLE_FILE + " or " + INDEX_FILE + " in the model folder");
    }

    private static SafetensorsCheckpoint openSharded(Path dir) {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(dir.resolve(INDEX_FILE).toFile()).get("weight_map");
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, INDEX_FILE + " is not valid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, INDEX_FILE + " has no weight_map");
        }
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        Map<String, SafetensorsFile> fileOf = new HashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
                String shard = e.getValue().asText();
                if (shard.contains("/") || shard.contains("\\") || !shard.endsWith(".safetensors")) {
                    throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, INDEX_FILE + " names an invalid shard '" + shard + "'");
                }
                SafetensorsFile file = byName.get(shard);
                if (file == null) {
                    if (!Files.isRegularFile(dir.resolve(shard))) {
                        throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                                INDEX_FILE + " lists shard " + shard + ", which is missing");
                    }
                    file = SafetensorsFile.open(dir.resolve(shard), shard);
                    byName.put(shard, file);
                }
                if (!file.tensors().containsKey(e.getKey())) {
                    throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                            INDEX_FILE + " places tensor '" + e.getKey() + "' in " + shard + ", which does not hold it");
                }
                fileOf.put(e.getKey(), file);
            }
        } catch (RuntimeException e) {
            byName.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsCheckpoint(INDEX_FILE, new ArrayList<>(byName.values()), fileOf);
    }

    /** {@code model.safetensors} or {@code model.safetensors.index.json}: how errors name the checkpoint. */
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
        SafetensorsFile f = fileOf.get(name);
        return f == null ? null : f.tensors().get(name);
    }

    @Override
    public SafetensorsFile fileOf(String name) {
        return fileOf.get(name);
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
