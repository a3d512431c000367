package dev.modelport.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime as it was before runtime v2 (commit {@link #COMMIT}: every architecture as DJL
 * NDArray operations, float32 only), loaded from its compiled classes in a class loader of its own
 * so that it runs in the same process as today's runtime, on the same engine, round by round. Its
 * {@code dev.modelport} classes come from the baseline folder first; DJL and everything else is
 * shared. Calls go through reflection on its public interfaces of that time.
 */
final class BaselineRuntime implements AutoCloseable {

    /** The last commit with the NDArray runtime. */
    static final String COMMIT = "c03b3cd";

    private final URLClassLoader loader;
    private final Object runtime;
    private final Class<?> loadOptions;
    private final Class<?> encoderBatch;

    /** @param classes the baseline's {@code target/classes} */
    BaselineRuntime(Path classes, int threads) {
        if (!Files.isRegularFile(classes.resolve("dev/modelport/runtime/DjlModelRuntime.class"))) {
            throw new IllegalStateException("no baseline runtime classes in " + classes
                    + "; scripts/bench.sh runtime builds them from commit " + COMMIT);
        }
        try {
            loader = new ChildFirst(new URL[] {classes.toUri().toURL()}, BaselineRuntime.class.getClassLoader());
            runtime = loader.loadClass("dev.modelport.runtime.DjlModelRuntime").getConstructor(int.class).newInstance(threads);
            loadOptions = loader.loadClass("dev.modelport.runtime.LoadOptions");
            encoderBatch = loader.loadClass("dev.modelport.runtime.EncoderBatch");
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("cannot load the baseline runtime from " + classes, e);
        }
    }

    /** A float32 model of the repo in {@code dir}. */
    Model load(Path dir) {
        Object spec = call(runtime, "inspect", new Class<?>[] {Path.class}, dir.resolve("config.json"));
        try {
            Object options = loadOptions.getConstructor(String.class, String.class).newInstance("cpu", "float32");
            Object model = call(runtime, "load", new Class<?>[] {Path.class, spec.getClass(), loadOptions}, dir, spec, options);
            return new Model(model);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A loaded baseline model: the encoder and decoder calls of that time. */
    final class Model implements AutoCloseable {
        private final Object model;

        private Model(Object model) {
            this.model = model;
        }

        /** The last hidden state, copied into Java as today's runtime copies it. */
        float[] hiddenStates(long[][] ids, long[][] mask) {
            try (NDManager manager = (NDManager) call(model, "newManager", new Class<?>[0])) {
                Object batch = encoderBatch.getConstructor(long[][].class, long[][].class, long[][].class)
                        .newInstance(ids, mask, null);
                NDArray out = (NDArray) call(model, "hiddenStates", new Class<?>[] {NDManager.class, encoderBatch}, manager, batch);
                return out.toFloatArray();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Decode-step sessions of {@code rows} sequences after {@code prompt}. */
        Decoding decoding(long[] prompt, int rows) {
            return new Decoding(this, prompt, rows);
        }

        @Override
        public void close() {
            call(model, "close", new Class<?>[0]);
        }
    }

    /** Prefilled caches of several sequences, each step one token per sequence. */
    final class Decoding implements AutoCloseable {
        private final Model owner;
        private final NDManager manager;
        private final Object caches;

        private Decoding(Model owner, long[] prompt, int rows) {
            this.owner = owner;
            this.manager = (NDManager) call(owner.model, "newManager", new Class<?>[0]);
            try {
                Class<?> cacheType = loader.loadClass("dev.modelport.runtime.decoder.KvCache");
                caches = Array.newInstance(cacheType, rows);
                for (int i = 0; i < rows; i++) {
                    Object cache = call(owner.model, "newCache", new Class<?>[] {NDManager.class}, manager);
                    call(owner.model, "nextLogits", new Class<?>[] {NDManager.class, cacheType, long[].class}, manager, cache, prompt);
                    Array.set(caches, i, cache);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        /** One decode step; each row's next-token logits. */
        float[][] step(long[] tokens) {
            return (float[][]) call(owner.model, "nextLogitsRows", new Class<?>[] {caches.getClass(), long[].class}, caches, tokens);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    private Object call(Object target, String name, Class<?>[] types, Object... args) {
        try {
            Method m = findMethod(target.getClass(), name, types);
            m.setAccessible(true);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method findMethod(Class<?> type, String name, Class<?>[] types) throws NoSuchMethodException {
        // the public interface method, so that package-private implementations can be called
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    return findMethod(i, name, types);
                } catch (NoSuchMethodException ignored) {
                    // keep looking
                }
            }
            try {
                return c.getDeclaredMethod(name, types);
            } catch (NoSuchMethodException ignored) {
                // keep looking
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads {@code dev.modelport} classes from the baseline folder before asking the parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.modelport.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
