package dev.modelport.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.Architectures;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/SUPPORTED_MODELS.md is generated from the runtime's registry ({@link Architectures}) and the
 * tasks {@link TaskResolver} gives each architecture, so it cannot drift: this test renders it and
 * fails when the file differs (or when a registered architecture has no example repo below).
 * Regenerate with {@code ./mvnw -q test -Dquarkus.quinoa=false -Dtest=SupportedModelsDocTest
 * -Dmodelport.docs.update=true}.
 */
class SupportedModelsDocTest {

    private static final Path DOC = Path.of("docs/SUPPORTED_MODELS.md");

    /** For an architecture known here only as a base-model save or a fine-tune format, with no one repo to name. */
    private static final String NONE = "—";

    /** A real Hub repo per architecture, for the table (the Hub does not answer here; these are names). */
    private static final Map<String, String> EXAMPLES = new TreeMap<>(Map.ofEntries(
            Map.entry("BertModel", "sentence-transformers/all-MiniLM-L6-v2"),
            Map.entry("BertForSequenceClassification", "nlptown/bert-base-multilingual-uncased-sentiment"),
            Map.entry("BertForTokenClassification", "dslim/bert-base-NER"),
            Map.entry("BertForMaskedLM", "google-bert/bert-base-uncased"),
            Map.entry("BertForQuestionAnswering", "deepset/bert-base-cased-squad2"),
            Map.entry("DistilBertModel", "sentence-transformers/msmarco-distilbert-base-v4"),
            Map.entry("DistilBertForSequenceClassification", "distilbert/distilbert-base-uncased-finetuned-sst-2-english"),
            Map.entry("DistilBertForTokenClassification", "elastic/distilbert-base-uncased-finetuned-conll03-english"),
            Map.entry("DistilBertForMaskedLM", "distilbert/distilbert-base-uncased"),
            Map.entry("DistilBertForQuestionAnswering", "distilbert/distilbert-base-cased-distilled-squad"),
            Map.entry("RobertaModel", "sentence-transformers/all-distilroberta-v1"),
            Map.entry("RobertaForSequenceClassification", "cardiffnlp/twitter-roberta-base-sentiment-latest"),
            Map.entry("RobertaForTokenClassification", "Jean-Baptiste/roberta-large-ner-english"),
            Map.entry("RobertaForMaskedLM", "FacebookAI/roberta-base"),
            Map.entry("RobertaForQuestionAnswering", "deepset/roberta-base-squad2"),
            Map.entry("XLMRobertaModel", "intfloat/multilingual-e5-base"),
            Map.entry("XLMRobertaForSequenceClassification", "BAAI/bge-reranker-base"),
            Map.entry("XLMRobertaForTokenClassification", "Davlan/xlm-roberta-base-ner-hrl"),
            Map.entry("XLMRobertaForMaskedLM", "FacebookAI/xlm-roberta-base"),
            Map.entry("XLMRobertaForQuestionAnswering", "deepset/xlm-roberta-base-squad2"),
            Map.entry("MPNetModel", "sentence-transformers/all-mpnet-base-v2"),
            Map.entry("MPNetForMaskedLM", "microsoft/mpnet-base"),
            Map.entry("MPNetForSequenceClassification", NONE),
            Map.entry("ModernBertModel", "answerdotai/ModernBERT-base"),
            Map.entry("ModernBertForSequenceClassification", "Alibaba-NLP/gte-reranker-modernbert-base"),
            Map.entry("ModernBertForTokenClassification", NONE),
            Map.entry("ModernBertForMaskedLM", "answerdotai/ModernBERT-base"),
            Map.entry("DebertaV2Model", "microsoft/deberta-v3-base"),
            Map.entry("DebertaV2ForSequenceClassification", "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli"),
            Map.entry("DebertaV2ForTokenClassification", NONE),
            Map.entry("GPT2LMHeadModel", "openai-community/gpt2"),
            Map.entry("LlamaForCausalLM", "TinyLlama/TinyLlama-1.1B-Chat-v1.0"),
            Map.entry("MistralForCausalLM", "mistralai/Mistral-7B-Instruct-v0.3"),
            Map.entry("Qwen2ForCausalLM", "Qwen/Qwen2.5-0.5B-Instruct"),
            Map.entry("Qwen3ForCausalLM", "Qwen/Qwen3-0.6B, Qwen/Qwen3-Embedding-0.6B"),
            Map.entry("Qwen3Model", NONE),
            Map.entry("Gemma2ForCausalLM", "google/gemma-2-2b-it"),
            Map.entry("Gemma2Model", NONE),
            Map.entry("Gemma3ForCausalLM", "google/gemma-3-1b-it"),
            Map.entry("Gemma3TextModel", NONE),
            Map.entry("Phi3ForCausalLM", "microsoft/Phi-3-mini-4k-instruct"),
            Map.entry("T5ForConditionalGeneration", "google-t5/t5-small, google/flan-t5-base"),
            Map.entry("BartForConditionalGeneration", "facebook/bart-large-cnn"),
            Map.entry("MarianMTModel", "Helsinki-NLP/opus-mt-en-de (MarianTokenizer's source.spm/target.spm/vocab.json; not separate_vocabs repos)")));

    @Test
    void theSupportedModelsTableIsTheRegistry() throws IOException {
        List<String> missing = Architectures.supported().stream().filter(a -> !EXAMPLES.containsKey(a)).toList();
        assertTrue(missing.isEmpty(), "architectures with no example repo in this test: " + missing);
        String rendered = render();
        if (Boolean.getBoolean("modelport.docs.update")) {
            Files.writeString(DOC, rendered);
        }
        assertEquals(rendered, Files.readString(DOC), DOC + " is out of date; regenerate it (see this test's javadoc)");
    }

    private static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Supported models\n\n")
                .append("Generated from the runtime's registry by `SupportedModelsDocTest` (do not edit by hand).\n")
                .append("An architecture is the first name in a repo's `config.json` `architectures`; the tasks are\n")
                .append("what a deployment of it can serve (the first is the default when the Hub's `pipeline_tag`\n")
                .append("does not pick another). Every architecture's outputs are checked against transformers'\n")
                .append("own on checkpoints it saved (`scripts/goldens/`).\n\n")
                .append("| architecture | `model_type` | tasks | example repo |\n|---|---|---|---|\n");
        for (String name : Architectures.supported()) {
            Architecture a = Architectures.require(name);
            ModelSpec spec = new ModelSpec(name, a.modelTypes().iterator().next(), a.head(), null, null);
            List<String> tasks = new ArrayList<>(TaskResolver.servable(spec).stream().map(Task::wireName).toList());
            if (a.head() == Head.SEQUENCE_CLASSIFICATION) {
                tasks.add(1, "zero-shot-classification (NLI models)");
                tasks.add(2, "rerank (one-label cross-encoders)");
            }
            out.append("| `").append(name).append("` | ")
                    .append(a.modelTypes().stream().sorted().map(t -> "`" + t + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(String.join(", ", tasks)).append(" | ").append(EXAMPLES.get(name)).append(" |\n");
        }
        return out.toString();
    }
}
