package dev.modelport.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code MODEL_STORAGE_PATH/{id}/metadata.json}: written whole to a temp file and renamed over the
 * old one, so a crash leaves either the previous or the new state, never half of one.
 */
final class MetadataStore {
    private static final Logger LOG = Logger.getLogger(MetadataStore.class);
    private static final String FILE = "metadata.json";

    private final Path root;
    private final ObjectMapper json;

    MetadataStore(Path root, ObjectMapper json) {
        this.root = root;
        // A newer version may add fields; an older one must still read the file.
        this.json = json.copy().disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    synchronized void save(DeploymentSnapshot snapshot) {
        Path dir = root.resolve(snapshot.deploymentId());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, FILE, ".tmp");
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), snapshot);
            try {
                Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // The deployment goes on; only its survival across a restart is at risk, so say so loudly.
            LOG.errorf(e, "Could not write %s for deployment %s", FILE, snapshot.deploymentId());
        }
    }

    synchronized void delete(String deploymentId) {
        Path dir = root.resolve(deploymentId);
        try {
            Files.deleteIfExists(dir.resolve(FILE));
            try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, FILE + "*.tmp")) {
                for (Path p : left) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warnf("Could not remove %s: %s", dir, e.getMessage());
        }
    }

    /** Every readable metadata.json; unreadable ones are logged and skipped, never fatal. */
    List<DeploymentSnapshot> loadAll() {
        List<DeploymentSnapshot> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path f = dir.resolve(FILE);
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                try {
                    out.add(json.readValue(f.toFile(), DeploymentSnapshot.class));
                } catch (IOException e) {
                    LOG.errorf("Skipping unreadable %s: %s", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.errorf(e, "Could not list %s", root);
        }
        return out;
    }
}
