package dev.modelport.lifecycle;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.hub.FileSelection;
import dev.modelport.hub.ModelInfo;
import dev.modelport.pipeline.Task;
import dev.modelport.runtime.ModelSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Answers "what would deploying this model do?" with the same checks a deployment runs at
 * {@code validating}: hub errors (unknown, gated) propagate, model problems become a verdict.
 */
@ApplicationScoped
public class Preflight {
    /** tokenizer.json, or a SentencePiece model the pipeline converts into one (DeBERTa-v3's spm.model). */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "spm.model");
    /** MarianTokenizer's files (Helsinki-NLP/opus-mt-*), which the pipeline tokenizes with its port of it. */
    static final List<String> MARIAN_TOKENIZER_FILES = List.of("source.spm", "target.spm", "vocab.json");
    static final String NO_TOKENIZER = "No tokenizer.json (nor a spm.model Modelport converts, nor MarianTokenizer's"
            + " source.spm, target.spm and vocab.json) in the repo: Modelport needs one of them to tokenize text.";

    @Inject
    Components components;
    @Inject
    ModelportConfig config;

    public PreflightReport check(String modelId, String revision, String requestedTask) {
        ModelInfo info = components.hub().modelInfo(modelId, revision);
        FileSelection selection = components.hub().selectFiles(info);
        List<PreflightReport.FileVerdict> files = new ArrayList<>();
        selection.selected().forEach(f -> files.add(new PreflightReport.FileVerdict(f.path(), f.size(), true, null)));
        selection.skipped().forEach(f -> files.add(new PreflightReport.FileVerdict(f.path(), f.size(), false, f.reason())));
        files.sort(Comparator.comparing(PreflightReport.FileVerdict::path));

        List<String> warnings = new ArrayList<>();
        boolean hasTokenizer = hasTokenizer(selection);
        if (!hasTokenizer) {
            warnings.add(NO_TOKENIZER);
        }
        selection.selected().stream().map(f -> f.path()).filter(p -> p.startsWith("pytorch_model") && p.endsWith(".bin"))
                .findFirst().ifPresent(p -> warnings.add("The weights are PyTorch pickles (" + p + ", no safetensors in the"
                        + " repo). Modelport reads them with a weights-only unpickler (the allow-list of"
                        + " torch.load(weights_only=True)) after the download: nothing in them runs, and a file that holds"
                        + " more than tensors fails the deployment at loading with UNSAFE_WEIGHTS."));
        if (info.gated()) {
            warnings.add("This model is gated: accept its terms on the Hub and set HF_TOKEN.");
        }
        String architecture = null;
        String modelType = null;
        String task = null;
        List<String> tasks = List.of();
        String reason = null;
        ErrorCode reasonCode = null;
        long memory = ModelChecks.estimateMemoryBytes(selection, null, null, null);
        Map<String, Map<String, Long>> memoryByDtype = ModelChecks.memoryByDtype(selection, null);
        try {
            ModelChecks.requireRunnableFiles(selection);
            Path configJson = components.hub().fetchFile(info, "config.json");
            // named even when the runtime refuses it, so the wizard can say which architecture it is
            architecture = ModelChecks.architectureName(configJson);
            ModelSpec spec = components.runtime().inspect(configJson);
            memory = ModelChecks.estimateMemoryBytes(selection, spec.config(), null, null);
            memoryByDtype = ModelChecks.memoryByDtype(selection, spec.config());
            architecture = spec.architecture();
            modelType = spec.modelType();
            tasks = servableTasks(spec);
            task = components.pipelines().resolveTask(spec, info.pipelineTag(), requestedTask).wireName();
            ModelChecks.requireDownloadWithinLimit(selection.totalBytes(), config.limits().maxModelSizeGb());
            ModelChecks.requireMemoryWithinLimit(memory, config.limits().maxMemoryPerModelGb());
            if (!hasTokenizer) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, warnings.getFirst());
            }
        } catch (ModelportException e) {
            if (isHubFailure(e.code())) {
                throw e;
            }
            reason = ModelChecks.shortReason(e.getMessage());
            reasonCode = e.code();
        }
        return new PreflightReport(modelId, revision, info.commit(), architecture, modelType, task, info.pipelineTag(),
                info.libraryName(), reason == null, reason, reasonCode == null ? null : reasonCode.name(), info.gated(),
                files, selection.totalBytes(), memory, memoryByDtype, hasTokenizer, warnings, tasks);
    }

    /** Whether the selection has files the pipelines tokenize with: {@link #TOKENIZER_FILES} or all of {@link #MARIAN_TOKENIZER_FILES}. */
    static boolean hasTokenizer(FileSelection selection) {
        return TOKENIZER_FILES.stream().anyMatch(selection::has) || MARIAN_TOKENIZER_FILES.stream().allMatch(selection::has);
    }

    private List<String> servableTasks(ModelSpec spec) {
        return Arrays.stream(Task.values()).filter(t -> {
            try {
                components.pipelines().resolveTask(spec, null, t.wireName());
                return true;
            } catch (ModelportException e) {
                return false;
            }
        }).map(Task::wireName).toList();
    }

    private static boolean isHubFailure(ErrorCode code) {
        String n = code.name().toUpperCase(Locale.ROOT);
        return code == ErrorCode.GATED_MODEL || code == ErrorCode.MODEL_NOT_FOUND || code == ErrorCode.REVISION_NOT_FOUND
                || code == ErrorCode.HUB_UNAVAILABLE || code == ErrorCode.NOT_IN_CACHE || n.startsWith("DOWNLOAD");
    }
}
