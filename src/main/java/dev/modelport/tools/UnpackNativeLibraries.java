package dev.modelport.tools;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.jni.LibUtils;
import ai.djl.util.Utils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code java -cp 'quarkus-app/lib/boot/*:quarkus-app/lib/main/*:quarkus-app/app/*' dev.modelport.tools.UnpackNativeLibraries}
 *
 * <p>Unpacks the native libraries DJL otherwise unpacks from its jars at the first deployment (libtorch
 * with its JNI layer, about 450 MB, and the Hugging Face tokenizers library, about 14 MB) into DJL's
 * cache directory ({@code DJL_CACHE_DIR}), loads both once to prove they work, and exits. With
 * {@code -Djna.boot.library.path=DIR} it also puts JNA's dispatch library (which DJL's CUDA probe loads)
 * there, for a service started with that option and {@code -Djna.nounpack=true}. The container image
 * runs it at build time, so a container starts and deploys without writing any native library.
 */
public final class UnpackNativeLibraries {

    private UnpackNativeLibraries() {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // from the jars only; never a download
        }
        String jnaDir = System.getProperty("jna.boot.library.path");
        if (jnaDir != null) {
            unpackJnaDispatch(Path.of(jnaDir)); // before the engine's CUDA probe first loads JNA
        }
        Engine torch = Engine.getEngine("PyTorch");
        LibUtils.checkStatus(); // its class initializer unpacks and loads libtokenizers
        System.out.println("PyTorch " + torch.getVersion() + " and the tokenizers library are unpacked under "
                + Utils.getEngineCacheDir() + (jnaDir == null ? "" : ", JNA's dispatch library under " + jnaDir));
        System.exit(0); // the engine's native threads must not keep an image build step waiting
    }

    private static void unpackJnaDispatch(Path dir) {
        String name = System.mapLibraryName("jnidispatch");
        String resource = "/com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/" + name;
        try (InputStream in = UnpackNativeLibraries.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " in the JNA jar");
            }
            Files.createDirectories(dir);
            Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
