package dev.modelport.runtime.pickle;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed pickle test files (scripts/goldens/make_pickles.sh writes them). */
public final class PickleResources {

    private PickleResources() {
    }

    /** {@code src/test/resources/pickle}, from the test classpath when it is a folder there. */
    public static Path root() {
        URL url = PickleResources.class.getClassLoader().getResource("pickle");
        if (url != null && url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        Path source = Path.of("src/test/resources/pickle");
        if (Files.isDirectory(source)) {
            return source.toAbsolutePath();
        }
        throw new IllegalStateException("no pickle test resources: run scripts/goldens/make_pickles.sh");
    }

    public static Path checkpoints() {
        return root().resolve("checkpoints");
    }

    public static Path hostile() {
        return root().resolve("hostile");
    }
}
