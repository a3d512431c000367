package dev.modelport.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * Every setting of the service. application.properties maps each to its {@code .env} key (named in
 * the comment); defaults live here and in {@code .env} and must agree.
 */
@ConfigMapping(prefix = "modelport")
public interface ModelportConfig {

    Hub hub();

    Storage storage();

    Limits limits();

    Serving serving();

    Security security();

    Deployments deployments();

    interface Hub {
        /** HF_ENDPOINT */
        @WithDefault("https://huggingface.co")
        String endpoint();

        /** HF_TOKEN */
        Optional<String> token();

        /** HF_HUB_OFFLINE */
        @WithDefault("false")
        boolean offline();

        /** MAX_DOWNLOAD_TIMEOUT: seconds for a whole deployment's download. */
        @WithDefault("3600")
        int downloadTimeoutSeconds();

        /** DOWNLOAD_STALL_TIMEOUT: seconds without a byte before a connection is dropped and retried. */
        @WithDefault("60")
        int stallTimeoutSeconds();

        /** DOWNLOAD_RETRIES: attempts per file after the first, on 5xx, 429 and broken connections. */
        @WithDefault("5")
        int retries();

        /** DOWNLOAD_PARALLELISM: files fetched at once per deployment. */
        @WithDefault("4")
        int parallelism();

        /** HUB_SEARCH_CACHE_SECONDS: how long an answer of the Hub's model search is reused; 0 = never. */
        @WithDefault("120")
        int searchCacheSeconds();
    }

    interface Storage {
        /** HF_HUB_CACHE */
        @WithDefault("./huggingface_cache")
        String hubCache();

        /**
         * MODEL_STORAGE_PATH: where each deployment's metadata.json is kept. Empty = no persistence: nothing
         * is written there and nothing is restored on start (a stateless replica with declared deployments).
         */
        Optional<String> modelStoragePath();

        /** LOG_DIR */
        @WithDefault("./logs")
        String logDir();

        /** RESTORE_ON_STARTUP */
        @WithDefault("true")
        boolean restoreOnStartup();
    }

    interface Limits {
        /** MAX_MODEL_SIZE_GB: download size limit, checked before any byte is fetched. */
        @WithDefault("10")
        double maxModelSizeGb();

        /** MAX_MEMORY_PER_MODEL_GB */
        @WithDefault("16")
        double maxMemoryPerModelGb();

        /** MAX_DEPLOYMENTS: deployments that are not terminal at once. */
        @WithDefault("10")
        int maxDeployments();

        /** MAX_INPUT_CHARS: characters per input text. */
        @WithDefault("100000")
        int maxInputChars();

        /** MAX_INPUTS_PER_REQUEST: texts in one inference request. */
        @WithDefault("256")
        int maxInputsPerRequest();

        /** MAX_BODY_BYTES: request body size limit. */
        @WithDefault("10485760")
        long maxBodyBytes();

        /** MAX_CHOICES: the most choices ({@code n}) one OpenAI completion request may ask for. */
        @WithDefault("8")
        int maxChoices();
    }

    interface Serving {
        /** DEFAULT_DEVICE: auto|cpu|gpu|gpu:N */
        @WithDefault("auto")
        String defaultDevice();

        /** TORCH_NUM_THREADS: intra-op threads; 0 = number of cores. */
        @WithDefault("0")
        int torchNumThreads();

        /** MAX_BATCH_SIZE */
        @WithDefault("16")
        int maxBatchSize();

        /** MAX_BATCH_DELAY_MS */
        @WithDefault("5")
        int maxBatchDelayMs();

        /** MAX_QUEUE_SIZE: waiting requests per deployment before 429. */
        @WithDefault("256")
        int maxQueueSize();

        /** INFERENCE_TIMEOUT_MS */
        @WithDefault("30000")
        long inferenceTimeoutMs();

        /** DEPLOYMENT_PORT_RANGE, e.g. 8100-8200 */
        @WithDefault("8100-8200")
        String deploymentPortRange();

        /** DEDICATED_PORTS_ENABLED */
        @WithDefault("false")
        boolean dedicatedPortsEnabled();

        /** PUBLIC_HOST: host name used in endpoint URLs shown to users. */
        @WithDefault("localhost")
        String publicHost();
    }

    interface Security {
        /** API_KEY_ENABLED */
        @WithDefault("false")
        boolean apiKeyEnabled();

        /** API_KEYS: comma-separated. */
        Optional<List<String>> apiKeys();

        /** CORS_ORIGINS: comma-separated; empty = same origin only. */
        Optional<List<String>> corsOrigins();

        /** METRICS_REQUIRE_API_KEY: true = /q/metrics needs a key too (when keys are enabled). */
        @WithDefault("false")
        boolean metricsRequireApiKey();
    }

    /** Deployments declared in the configuration, deployed at start (lifecycle.DeploymentRegistry#declare). */
    interface Deployments {
        /** MODELPORT_DEPLOYMENTS: a JSON array of deploy requests (the fields of POST /api/v1/deploy). */
        Optional<String> json();

        /** MODELPORT_DEPLOYMENTS_FILE: a file holding the same JSON array (e.g. a mounted ConfigMap). */
        Optional<String> file();

        /** MODELPORT_DEPLOYMENTS_READINESS: when declared deployments let /q/health/ready go UP. */
        @WithDefault("completed")
        DeclaredReadiness readiness();

        /**
         * MODELPORT_PREFILL: true = fetch the declared deployments' files into HF_HUB_CACHE, then exit
         * (0 when every one is there, 1 otherwise); nothing is loaded or served. For a cache pre-fill Job.
         */
        @WithDefault("false")
        boolean prefill();
    }

    /** MODELPORT_DEPLOYMENTS_READINESS values. */
    enum DeclaredReadiness {
        /** Ready once every declared deployment is completed; a failed one keeps the replica out of traffic. */
        COMPLETED,
        /** Ready once every declared deployment has ended, completed or failed; failures are reported, not waited on. */
        SETTLED
    }
}
