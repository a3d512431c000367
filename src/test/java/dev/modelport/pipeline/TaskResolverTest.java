package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskResolverTest {
    private final TaskPipelineFactory factory = new TaskPipelineFactory();

    private static ModelSpec spec(String architecture, Head head) {
        return new ModelSpec(architecture, "bert", head, Json.object(), null);
    }

    @Test
    void eachHeadHasItsTask() {
        assertEquals(Task.TEXT_CLASSIFICATION, factory.resolveTask(spec("BertForSequenceClassification", Head.SEQUENCE_CLASSIFICATION), null, null));
        assertEquals(Task.TOKEN_CLASSIFICATION, factory.resolveTask(spec("BertForTokenClassification", Head.TOKEN_CLASSIFICATION), null, null));
        assertEquals(Task.FILL_MASK, factory.resolveTask(spec("BertForMaskedLM", Head.MASKED_LM), null, null));
        assertEquals(Task.QUESTION_ANSWERING, factory.resolveTask(spec("BertForQuestionAnswering", Head.QUESTION_ANSWERING), null, null));
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(spec("BertModel", Head.BASE), null, null));
    }

    @Test
    void aConsistentPipelineTagWinsAnInconsistentOneDoesNot() {
        assertEquals(Task.SENTENCE_SIMILARITY, factory.resolveTask(spec("BertModel", Head.BASE), "sentence-similarity", null));
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(spec("BertModel", Head.BASE), "fill-mask", null));
        assertEquals(Task.FILL_MASK, factory.resolveTask(spec("BertForMaskedLM", Head.MASKED_LM), "text-classification", null));
    }

    @Test
    void anyEncoderServesEmbeddingsOnRequest() {
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(spec("BertForMaskedLM", Head.MASKED_LM), "fill-mask", "feature-extraction"));
        assertEquals(Task.SENTENCE_SIMILARITY, factory.resolveTask(spec("BertModel", Head.BASE), null, "sentence-similarity"));
    }

    @Test
    void aTaskTheHeadCannotServeIsRefusedNamingArchitectureAndTasks() {
        ModelportException e = assertThrows(ModelportException.class,
                () -> factory.resolveTask(spec("BertForTokenClassification", Head.TOKEN_CLASSIFICATION), null, "fill-mask"));
        assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
        assertTrue(e.getMessage().contains("BertForTokenClassification"), e.getMessage());
        assertTrue(e.getMessage().contains("token-classification, feature-extraction, sentence-similarity"), e.getMessage());
        assertEquals(ErrorCode.UNSUPPORTED_TASK, assertThrows(ModelportException.class,
                () -> factory.resolveTask(spec("BertModel", Head.BASE), null, "summarization")).code());
    }

    @Test
    void anNliClassifierAlsoServesZeroShotClassification() {
        var nli = Json.object();
        nli.putObject("label2id").put("contradiction", 0).put("ENTAILMENT", 1).put("neutral", 2);
        ModelSpec spec = new ModelSpec("DebertaV2ForSequenceClassification", "deberta-v2", Head.SEQUENCE_CLASSIFICATION, nli, null);
        assertEquals(Task.TEXT_CLASSIFICATION, factory.resolveTask(spec, null, null));
        assertEquals(Task.ZERO_SHOT_CLASSIFICATION, factory.resolveTask(spec, "zero-shot-classification", null));
        assertEquals(Task.ZERO_SHOT_CLASSIFICATION, factory.resolveTask(spec, null, "zero-shot-classification"));
        assertEquals(1, ZeroShotClassificationPipeline.entailmentId(nli));

        ModelportException e = assertThrows(ModelportException.class, () -> factory.resolveTask(
                spec("BertForSequenceClassification", Head.SEQUENCE_CLASSIFICATION), null, "zero-shot-classification"));
        assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
    }

    @Test
    void hypothesisTemplatesFormatAsPythonWould() {
        assertEquals("This example is sports.", ZeroShotClassificationPipeline.format("This example is {}.", "sports"));
        assertEquals("{sports} and sports", ZeroShotClassificationPipeline.format("{{{0}}} and {}", "sports"));
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(ModelportException.class,
                () -> ZeroShotClassificationPipeline.format("about {label}", "x")).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(ModelportException.class,
                () -> ZeroShotClassificationPipeline.format("about } x", "x")).code());
    }

    @Test
    void causalLanguageModelsServeTextGenerationOnly() {
        ModelSpec gpt2 = new ModelSpec("GPT2LMHeadModel", "gpt2", Head.CAUSAL_LM, Json.object(), null);
        assertEquals(Task.TEXT_GENERATION, factory.resolveTask(gpt2, "text-generation", null));
        assertEquals(Task.TEXT_GENERATION, factory.resolveTask(gpt2, null, null));
        ModelportException e = assertThrows(ModelportException.class, () -> factory.resolveTask(gpt2, null, "feature-extraction"));
        assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
        assertTrue(e.getMessage().contains("it can serve: text-generation"), e.getMessage());
        assertEquals(ErrorCode.UNSUPPORTED_TASK, assertThrows(ModelportException.class,
                () -> factory.resolveTask(spec("BertModel", Head.BASE), null, "text-generation")).code());
    }

    @Test
    void decodersThatEmbeddingModelsBuildOnServeEmbeddingsToo() {
        ModelSpec qwen3 = new ModelSpec("Qwen3ForCausalLM", "qwen3", Head.CAUSAL_LM, Json.object(), null);
        assertEquals(Task.TEXT_GENERATION, factory.resolveTask(qwen3, null, null));
        assertEquals(Task.TEXT_GENERATION, factory.resolveTask(qwen3, "text-generation", null));
        // Qwen3-Embedding's config.json names Qwen3ForCausalLM; its pipeline_tag picks the task
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(qwen3, "feature-extraction", null));
        assertEquals(Task.SENTENCE_SIMILARITY, factory.resolveTask(qwen3, null, "sentence-similarity"));
        ModelSpec gemma = new ModelSpec("Gemma2ForCausalLM", "gemma2", Head.CAUSAL_LM, Json.object(), null);
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(gemma, null, "feature-extraction"));
        ModelSpec gemmaBase = new ModelSpec("Gemma3TextModel", "gemma3_text", Head.BASE, Json.object(), null);
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(gemmaBase, null, null));
        ModelportException e = assertThrows(ModelportException.class, () -> factory.resolveTask(gemmaBase, null, "text-generation"));
        assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
        // Phi-3 is not one of them
        ModelSpec phi3 = new ModelSpec("Phi3ForCausalLM", "phi3", Head.CAUSAL_LM, Json.object(), null);
        assertEquals(ErrorCode.UNSUPPORTED_TASK, assertThrows(ModelportException.class,
                () -> factory.resolveTask(phi3, null, "feature-extraction")).code());
    }
}
