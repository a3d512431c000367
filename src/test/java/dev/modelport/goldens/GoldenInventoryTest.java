package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The goldens folder holds what the other golden tests are about, so that a lost or half-written
 * folder fails here instead of the parameterised tests silently running fewer cases.
 */
class GoldenInventoryTest {

    @Test
    void everyKindOfCaseIsThere() {
        List<Goldens.Case> all = Goldens.all();
        Set<String> architectures = new TreeSet<>();
        Set<String> tasks = new TreeSet<>();
        Set<String> stored = new TreeSet<>();
        Set<String> versions = new TreeSet<>();
        for (Goldens.Case c : all) {
            architectures.add(c.json().path("architecture").asText());
            stored.add(c.storedDtype());
            versions.add(c.json().path("transformers_version").asText().substring(0, 1));
            c.json().path("pipelines").forEach(p -> tasks.add(p.path("task").asText()));
            assertTrue(Files.isRegularFile(c.dir().resolve("config.json")), c.name());
            // tokenizer.json, or (as microsoft/deberta-v3-base ships it) the SentencePiece model alone, or (as
            // Helsinki-NLP/opus-mt-* ship them) MarianTokenizer's files
            assertTrue(Files.isRegularFile(c.dir().resolve("tokenizer.json")) || Files.isRegularFile(c.dir().resolve("spm.model"))
                    || Files.isRegularFile(c.dir().resolve("source.spm")), c.name());
        }
        for (String a : List.of("BertModel", "BertForSequenceClassification", "BertForTokenClassification",
                "BertForMaskedLM", "BertForQuestionAnswering", "RobertaModel", "RobertaForSequenceClassification",
                "RobertaForTokenClassification", "RobertaForMaskedLM", "RobertaForQuestionAnswering", "XLMRobertaModel",
                "XLMRobertaForSequenceClassification", "DistilBertModel", "DistilBertForSequenceClassification",
                "DistilBertForTokenClassification", "DistilBertForMaskedLM", "DistilBertForQuestionAnswering",
                "GPT2LMHeadModel", "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM",
                "Gemma2ForCausalLM", "Gemma3ForCausalLM", "Phi3ForCausalLM", "Gemma3TextModel",
                "MPNetModel", "MPNetForSequenceClassification", "MPNetForMaskedLM", "ModernBertModel",
                "ModernBertForSequenceClassification", "ModernBertForMaskedLM", "ModernBertForTokenClassification",
                "DebertaV2Model", "DebertaV2ForSequenceClassification", "DebertaV2ForTokenClassification",
                "T5ForConditionalGeneration", "BartForConditionalGeneration", "MarianMTModel")) {
            assertTrue(architectures.contains(a), "a golden for " + a + " (have " + architectures + ")");
        }
        assertEquals(Set.of("feature-extraction", "fill-mask", "question-answering", "text-classification",
                "text-generation", "token-classification", "zero-shot-classification", "text2text-generation",
                "summarization", "translation"), tasks);
        assertTrue(all.stream().anyMatch(c -> !Files.isRegularFile(c.dir().resolve("tokenizer.json"))),
                "a repo with spm.model and no tokenizer.json");
        assertEquals(Set.of("float32", "bfloat16", "float16"), stored);
        assertEquals(Set.of("4", "5"), versions);
        assertTrue(all.stream().anyMatch(c -> Files.isRegularFile(c.dir().resolve("model.safetensors.index.json"))),
                "a sharded checkpoint");
        for (Goldens.Case c : all) {
            JsonNode outputs = c.json().path(switch (c.kind()) {
                case "encoder" -> "outputs";
                case "embedding" -> "embeddings";
                case "seq2seq" -> "generate";
                default -> "prompts";
            });
            assertTrue(outputs.size() > 0, c.name() + " has outputs to compare");
        }
    }
}
