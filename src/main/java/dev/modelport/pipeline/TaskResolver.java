package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.Architectures;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelSpec;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which tasks a head can serve, and which one a deployment gets: the requested task if the head
 * serves it, else the hub's pipeline_tag if the head serves that, else the head's own task. Every
 * encoder can also serve feature-extraction and sentence-similarity from its hidden states; a
 * sequence classifier trained on NLI (a label2id label starting with "entail") also serves
 * zero-shot-classification; a causal language model serves text-generation, and also those two
 * where its architecture is one that embedding models are built on (Qwen3, Gemma 2 and 3:
 * Qwen3-Embedding's pipeline_tag is feature-extraction, so it gets that task without asking); an
 * encoder-decoder (T5, BART, Marian) serves text2text-generation, summarization and translation (the
 * hub's pipeline_tag picks one: summarization for facebook/bart-large-cnn, translation for
 * Helsinki-NLP/opus-mt-* and t5-small, text2text-generation for flan-t5).
 */
final class TaskResolver {
    private TaskResolver() {
    }

    static Task resolve(ModelSpec spec, String pipelineTag, String requestedTask) {
        Set<Task> servable = servable(spec);
        if (requestedTask != null && !requestedTask.isBlank()) {
            Optional<Task> requested = Task.fromWire(requestedTask.trim());
            if (requested.isEmpty() || !servable.contains(requested.get())) {
                throw unsupported(spec, "task '" + requestedTask + "'");
            }
            return requested.get();
        }
        if (pipelineTag != null) {
            Optional<Task> tagged = Task.fromWire(pipelineTag);
            if (tagged.isPresent() && servable.contains(tagged.get())) {
                return tagged.get();
            }
        }
        return servable.iterator().next();
    }

    /** Checks a task handed to the factory directly (e.g. from a restored deployment). */
    static void check(ModelSpec spec, Task task) {
        if (!servable(spec).contains(task)) {
            throw unsupported(spec, "task '" + task.wireName() + "'");
        }
    }

    /** The head's own task first. */
    static Set<Task> servable(ModelSpec spec) {
        Set<Task> tasks = new LinkedHashSet<>();
        Head head = spec.head();
        switch (head) {
            case SEQUENCE_CLASSIFICATION -> {
                tasks.add(Task.TEXT_CLASSIFICATION);
                if (spec.config() != null && ZeroShotClassificationPipeline.entailmentId(spec.config()) >= 0) {
                    tasks.add(Task.ZERO_SHOT_CLASSIFICATION);
                }
            }
            case TOKEN_CLASSIFICATION -> tasks.add(Task.TOKEN_CLASSIFICATION);
            case MASKED_LM -> tasks.add(Task.FILL_MASK);
            case QUESTION_ANSWERING -> tasks.add(Task.QUESTION_ANSWERING);
            case CAUSAL_LM -> tasks.add(Task.TEXT_GENERATION);
            case SEQ2SEQ_LM -> {
                tasks.add(Task.TEXT2TEXT_GENERATION);
                tasks.add(Task.SUMMARIZATION);
                tasks.add(Task.TRANSLATION);
            }
            case BASE -> {
            }
        }
        boolean embeds = Architectures.find(spec.architecture()).map(Architecture::embeds).orElse(false);
        if ((head != Head.CAUSAL_LM && head != Head.SEQ2SEQ_LM) || embeds) {
            tasks.add(Task.FEATURE_EXTRACTION);
            tasks.add(Task.SENTENCE_SIMILARITY);
        }
        return tasks;
    }

    private static ModelportException unsupported(ModelSpec spec, String what) {
        String tasks = servable(spec).stream().map(Task::wireName).collect(Collectors.joining(", "));
        String message = spec.architecture() + " cannot serve " + what + "; it can serve: "
                + tasks;
        return new ModelportException(ErrorCode.UNSUPPORTED_TASK, message);
    }
}
