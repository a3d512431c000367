package dev.modelport.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/**
 * Starts DJL's PyTorch engine once per process, offline (libtorch comes from the
 * pytorch-native-cpu jar; nothing may be downloaded at run time), with the intra-op thread count
 * the service is configured for and a single inter-op thread (the service runs one forward per
 * device worker, so inter-op parallelism would only oversubscribe the cores).
 */
final class TorchEngine {

    static final String NAME = "PyTorch";

    private static Engine engine;
    private static int appliedThreads;

    private TorchEngine() {
    }

    /** @param intraOpThreads 0 = one per available core */
    static synchronized Engine start(int intraOpThreads) {
        int threads = intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
        if (engine == null) {
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            // read by the engine at start-up; inter-op threads cannot be changed once torch has run work
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
            // TorchScript's profiling executor re-optimises for every new input shape, and padded
            // batches change shape with every request; the plain executor is faster for serving.
            if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
                System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
            }
            try {
                engine = Engine.getEngine(NAME);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new ModelportException(ErrorCode.LOAD_FAILED, "the PyTorch engine could not start: " + e.getMessage(), e);
            }
        }
        if (threads != appliedThreads) {
            JniUtils.setNumThreads(threads);
            appliedThreads = threads;
        }
        return engine;
    }
}
