package dev.modelport.testing.models;

import dev.modelport.runtime.Head;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes tiny random-weight encoder checkpoints in the genuine Hugging Face layout: config.json with
 * the fields {@code transformers} writes, model.safetensors (or shards plus index) with the real key
 * names and prefixes, tokenizer files, and a {@code .hubmeta.json} carrying the hub's pipeline_tag.
 * Sizes: hidden 32, 2 layers, 4 heads, intermediate 64.
 *
 * <pre>{@code
 * TinyRepo repo = TinyCheckpoints.builder(Family.DISTILBERT, Head.SEQUENCE_CLASSIFICATION)
 *         .dtype(DType.F16).seed(7).write(dir);
 * }</pre>
 */
public final class TinyCheckpoints {

    public static final int HIDDEN = 32;
    public static final int LAYERS = 2;
    public static final int HEADS = 4;
    public static final int INTERMEDIATE = 64;
    /** Longest input (tokens, specials included) every family accepts. */
    public static final int MAX_TOKENS = 128;

    public static final List<String> SENTIMENT_LABELS = List.of("NEGATIVE", "POSITIVE");
    public static final List<String> NER_LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    /**
     * Encoder families, with their model_type, architecture stem and the key prefix of the base model.
     * XLM_ROBERTA gets the RoBERTa byte-level BPE tokenizer; real XLM-R repos ship a SentencePiece
     * Unigram tokenizer.json, which these fixtures do not write.
     */
    public enum Family {
        BERT("bert", "Bert", "bert"),
        DISTILBERT("distilbert", "DistilBert", "distilbert"),
        ROBERTA("roberta", "Roberta", "roberta"),
        XLM_ROBERTA("xlm-roberta", "XLMRoberta", "roberta");

        public final String modelType;
        public final String stem;
        public final String prefix;

        Family(String modelType, String stem, String prefix) {
            this.modelType = modelType;
            this.stem = stem;
            this.prefix = prefix;
        }

        boolean robertaLike() {
            return this == ROBERTA || this == XLM_ROBERTA;
        }

        public String architecture(Head head) {
            return stem + switch (head) {
                case BASE -> "Model";
                case SEQUENCE_CLASSIFICATION -> "ForSequenceClassification";
                case TOKEN_CLASSIFICATION -> "ForTokenClassification";
                case MASKED_LM -> "ForMaskedLM";
                case QUESTION_ANSWERING -> "ForQuestionAnswering";
                case CAUSAL_LM, SEQ2SEQ_LM -> throw new IllegalArgumentException("encoders have no causal or seq2seq LM head");
            };
        }
    }

    /** How a masked-LM checkpoint stores its decoder matrix. */
    public enum Decoder {
        /** Tied to the word embeddings and left out of the file, as save_pretrained does. */
        TIED,
        /** Tied, but present in the file as a copy (older checkpoints). */
        COPY,
        /** Its own matrix ({@code tie_word_embeddings: false}). */
        SEPARATE
    }

    /** What was written. */
    public record TinyRepo(Path dir, Family family, Head head, String architecture, DType dtype,
            TinyTokenizer.Vocabulary vocabulary, List<String> labels, Map<String, long[]> shapes) {
    }

    private TinyCheckpoints() {
    }

    public static Builder builder(Family family, Head head) {
        return new Builder(family, head);
    }

    public static TinyRepo bert(Path dir, Head head) {
        return builder(Family.BERT, head).write(dir);
    }

    public static TinyRepo distilbert(Path dir, Head head) {
        return builder(Family.DISTILBERT, head).write(dir);
    }

    public static TinyRepo roberta(Path dir, Head head) {
        return builder(Family.ROBERTA, head).write(dir);
    }

    public static String pipelineTagOf(Head head) {
        return switch (head) {
            case BASE -> "feature-extraction";
            case SEQUENCE_CLASSIFICATION -> "text-classification";
            case TOKEN_CLASSIFICATION -> "token-classification";
            case MASKED_LM -> "fill-mask";
            case QUESTION_ANSWERING -> "question-answering";
            case CAUSAL_LM -> "text-generation";
            case SEQ2SEQ_LM -> "text2text-generation";
        };
    }

    public static final class Builder {
        private final Family family;
        private final Head head;
        private DType dtype = DType.F32;
        private long seed = 42;
        private List<String> labels;
        private String problemType;
        private String hiddenAct = "gelu";
        private Decoder decoder = Decoder.TIED;
        private boolean prefixedBase;
        private int shards = 1;
        private String pipelineTag;
        private final Set<String> dropped = new HashSet<>();
        private final Map<String, long[]> reshaped = new HashMap<>();
        private final Map<String, long[]> extras = new LinkedHashMap<>();
        private final Map<String, Object> configOverrides = new LinkedHashMap<>();
        private boolean legacyLayerNormNames;
        private int hidden = HIDDEN;
        private int layers = LAYERS;
        private int heads = HEADS;
        private int intermediate = INTERMEDIATE;

        private Builder(Family family, Head head) {
            this.family = family;
            this.head = head;
            this.labels = switch (head) {
                case SEQUENCE_CLASSIFICATION -> SENTIMENT_LABELS;
                case TOKEN_CLASSIFICATION -> NER_LABELS;
                default -> List.of();
            };
        }

        /** F32 (default), F16 or BF16 for the floating tensors; position_ids stay I64. */
        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** id2label in order; for classification heads. */
        public Builder labels(List<String> labels) {
            this.labels = List.copyOf(labels);
            return this;
        }

        /** e.g. {@code multi_label_classification}; absent by default as in most checkpoints. */
        public Builder problemType(String problemType) {
            this.problemType = problemType;
            return this;
        }

        /** hidden_act (BERT/RoBERTa) or activation (DistilBERT): gelu, gelu_new, relu, ... */
        public Builder hiddenAct(String act) {
            this.hiddenAct = act;
            return this;
        }

        public Builder decoder(Decoder decoder) {
            this.decoder = decoder;
            return this;
        }

        /** For base models: keys with the family prefix (as bert-base-uncased) instead of none (as sentence-transformers). */
        public Builder prefixedBase(boolean prefixed) {
            this.prefixedBase = prefixed;
            return this;
        }

        /** More than 1 writes model-0000i-of-0000n.safetensors and model.safetensors.index.json. */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        public Builder pipelineTag(String tag) {
            this.pipelineTag = tag;
            return this;
        }

        /** A larger (or smaller) model than the tiny default, e.g. for memory tests. */
        public Builder size(int hidden, int layers, int heads, int intermediate) {
            this.hidden = hidden;
            this.layers = layers;
            this.heads = heads;
            this.intermediate = intermediate;
            return this;
        }

        /** Stores LayerNorm parameters as {@code LayerNorm.gamma} / {@code LayerNorm.beta}, as bert-base-uncased does. */
        public Builder legacyLayerNormNames() {
            this.legacyLayerNormNames = true;
            return this;
        }

        /** Leaves a tensor out of the file (to test missing-tensor errors). */
        public Builder drop(String key) {
            dropped.add(key);
            return this;
        }

        /** Writes a tensor with a wrong shape (to test shape errors). */
        public Builder reshape(String key, long... shape) {
            reshaped.put(key, shape);
            return this;
        }

        /** Adds a tensor the architecture does not use (e.g. a pretraining head). */
        public Builder extra(String key, long... shape) {
            extras.put(key, shape);
            return this;
        }

        /** Sets or replaces a config.json field. */
        public Builder config(String key, Object value) {
            configOverrides.put(key, value);
            return this;
        }

        public TinyRepo write(Path dir) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TinyTokenizer.Vocabulary vocab = family.robertaLike()
                    ? TinyTokenizer.writeByteLevelBpe(dir, MAX_TOKENS)
                    : TinyTokenizer.writeWordPiece(dir, MAX_TOKENS);
            int positions = family.robertaLike() ? MAX_TOKENS + vocab.pad() + 1 : MAX_TOKENS;
            Map<String, long[]> shapes = layout(vocab.size(), positions);
            for (String key : dropped) {
                if (shapes.remove(key) == null) {
                    throw new IllegalArgumentException("no tensor " + key + " to drop");
                }
            }
            reshaped.forEach((k, s) -> {
                if (shapes.replace(k, s) == null) {
                    throw new IllegalArgumentException("no tensor " + k + " to reshape");
                }
            });
            shapes.putAll(extras);
            if (legacyLayerNormNames) {
                Map<String, long[]> renamed = new LinkedHashMap<>();
                shapes.forEach((k, v) -> renamed.put(k.replaceAll("LayerNorm\\.weight$", "LayerNorm.gamma")
                        .replaceAll("LayerNorm\\.bias$", "LayerNorm.beta"), v));
                shapes.clear();
                shapes.putAll(renamed);
            }

            Random rng = new Random(seed);
            SafetensorsWriter writer = new SafetensorsWriter();
            for (var e : shapes.entrySet()) {
                String key = e.getKey();
                long[] shape = e.getValue();
                int n = Math.toIntExact(count(shape));
                if (key.endsWith("position_ids")) {
                    long[] ids = new long[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = i;
                    }
                    writer.putLongs(key, shape, ids);
                    continue;
                }
                float[] values = new float[n];
                boolean gamma = isNormWeight(key);
                for (int i = 0; i < n; i++) {
                    double g = rng.nextGaussian();
                    values[i] = (float) (gamma ? 1 + 0.1 * g : 0.2 * g);
                }
                writer.put(key, dtype, shape, values);
            }
            if (decoder == Decoder.COPY && head == Head.MASKED_LM) {
                var embeddings = writer.tensors().get(family.prefix + ".embeddings.word_embeddings.weight");
                writer.put(decoderKey(), dtype, embeddings.shape(), embeddings.floats());
            }
            if (shards > 1) {
                writer.writeSharded(dir, shards);
            } else {
                writer.write(dir.resolve("model.safetensors"));
            }
            TinyTokenizer.writeJson(dir.resolve("config.json"), config(vocab, positions));
            TinyTokenizer.writeJson(dir.resolve(".hubmeta.json"),
                    Map.of("pipeline_tag", pipelineTag != null ? pipelineTag : pipelineTagOf(head)));
            Map<String, long[]> written = new LinkedHashMap<>();
            writer.tensors().forEach((k, t) -> written.put(k, t.shape()));
            return new TinyRepo(dir, family, head, family.architecture(head), dtype, vocab, labels, written);
        }

        private String decoderKey() {
            return switch (family) {
                case BERT -> "cls.predictions.decoder.weight";
                case DISTILBERT -> "vocab_projector.weight";
                case ROBERTA, XLM_ROBERTA -> "lm_head.decoder.weight";
            };
        }

        private Map<String, long[]> layout(int vocabSize, int positions) {
            Map<String, long[]> s = new LinkedHashMap<>();
            String p = head == Head.BASE && !prefixedBase ? "" : family.prefix + ".";
            long h = hidden;
            s.put(p + "embeddings.word_embeddings.weight", new long[] {vocabSize, h});
            s.put(p + "embeddings.position_embeddings.weight", new long[] {positions, h});
            if (family != Family.DISTILBERT) {
                s.put(p + "embeddings.token_type_embeddings.weight", new long[] {family.robertaLike() ? 1 : 2, h});
            }
            s.put(p + "embeddings.LayerNorm.weight", new long[] {h});
            s.put(p + "embeddings.LayerNorm.bias", new long[] {h});
            s.put(p + "embeddings.position_ids", new long[] {1, positions});
            for (int i = 0; i < layers; i++) {
                if (family == Family.DISTILBERT) {
                    String l = p + "transformer.layer." + i + ".";
                    for (String lin : List.of("q_lin", "k_lin", "v_lin", "out_lin")) {
                        linear(s, l + "attention." + lin, h, h);
                    }
                    norm(s, l + "sa_layer_norm", h);
                    linear(s, l + "ffn.lin1", intermediate, h);
                    linear(s, l + "ffn.lin2", h, intermediate);
                    norm(s, l + "output_layer_norm", h);
                } else {
                    String l = p + "encoder.layer." + i + ".";
                    for (String lin : List.of("query", "key", "value")) {
                        linear(s, l + "attention.self." + lin, h, h);
                    }
                    linear(s, l + "attention.output.dense", h, h);
                    norm(s, l + "attention.output.LayerNorm", h);
                    linear(s, l + "intermediate.dense", intermediate, h);
                    linear(s, l + "output.dense", h, intermediate);
                    norm(s, l + "output.LayerNorm", h);
                }
            }
            boolean pooler = switch (family) {
                case BERT -> head == Head.BASE || head == Head.SEQUENCE_CLASSIFICATION;
                case ROBERTA, XLM_ROBERTA -> head == Head.BASE;
                case DISTILBERT -> false;
            };
            if (pooler) {
                linear(s, p + "pooler.dense", h, h);
            }
            int c = labels.size();
            switch (head) {
                case BASE, CAUSAL_LM -> { }
                case SEQUENCE_CLASSIFICATION -> {
                    switch (family) {
                        case BERT -> linear(s, "classifier", c, h);
                        case DISTILBERT -> {
                            linear(s, "pre_classifier", h, h);
                            linear(s, "classifier", c, h);
                        }
                        case ROBERTA, XLM_ROBERTA -> {
                            linear(s, "classifier.dense", h, h);
                            linear(s, "classifier.out_proj", c, h);
                        }
                    }
                }
                case TOKEN_CLASSIFICATION -> linear(s, "classifier", c, h);
                case QUESTION_ANSWERING -> linear(s, "qa_outputs", 2, h);
                case MASKED_LM -> {
                    switch (family) {
                        case BERT -> {
                            linear(s, "cls.predictions.transform.dense", h, h);
                            norm(s, "cls.predictions.transform.LayerNorm", h);
                            s.put("cls.predictions.bias", new long[] {vocabSize});
                        }
                        case DISTILBERT -> {
                            linear(s, "vocab_transform", h, h);
                            norm(s, "vocab_layer_norm", h);
                            s.put("vocab_projector.bias", new long[] {vocabSize});
                        }
                        case ROBERTA, XLM_ROBERTA -> {
                            linear(s, "lm_head.dense", h, h);
                            norm(s, "lm_head.layer_norm", h);
                            s.put("lm_head.bias", new long[] {vocabSize});
                        }
                    }
                    if (decoder == Decoder.SEPARATE) {
                        s.put(decoderKey(), new long[] {vocabSize, h});
                    }
                }
            }
            return s;
        }

        private Map<String, Object> config(TinyTokenizer.Vocabulary vocab, int positions) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("_name_or_path", "tiny-" + family.modelType);
            c.put("architectures", List.of(family.architecture(head)));
            c.put("model_type", family.modelType);
            if (family == Family.DISTILBERT) {
                c.put("activation", hiddenAct);
                c.put("attention_dropout", 0.1);
                c.put("dim", hidden);
                c.put("dropout", 0.1);
                c.put("hidden_dim", intermediate);
                c.put("initializer_range", 0.02);
                c.put("max_position_embeddings", positions);
                c.put("n_heads", heads);
                c.put("n_layers", layers);
                c.put("pad_token_id", vocab.pad());
                c.put("qa_dropout", 0.1);
                c.put("seq_classif_dropout", 0.2);
                c.put("sinusoidal_pos_embds", false);
                c.put("tie_weights_", true);
            } else {
                c.put("attention_probs_dropout_prob", 0.1);
                c.put("classifier_dropout", null);
                c.put("hidden_act", hiddenAct);
                c.put("hidden_dropout_prob", 0.1);
                c.put("hidden_size", hidden);
                c.put("initializer_range", 0.02);
                c.put("intermediate_size", intermediate);
                c.put("layer_norm_eps", family.robertaLike() ? 1e-5 : 1e-12);
                c.put("max_position_embeddings", positions);
                c.put("num_attention_heads", heads);
                c.put("num_hidden_layers", layers);
                c.put("pad_token_id", vocab.pad());
                c.put("position_embedding_type", "absolute");
                c.put("type_vocab_size", family.robertaLike() ? 1 : 2);
                c.put("use_cache", true);
                if (family.robertaLike()) {
                    c.put("bos_token_id", vocab.cls());
                    c.put("eos_token_id", vocab.sep());
                }
            }
            if (!labels.isEmpty()) {
                Map<String, String> id2label = new LinkedHashMap<>();
                Map<String, Integer> label2id = new LinkedHashMap<>();
                for (int i = 0; i < labels.size(); i++) {
                    id2label.put(String.valueOf(i), labels.get(i));
                    label2id.put(labels.get(i), i);
                }
                c.put("id2label", id2label);
                c.put("label2id", label2id);
            }
            if (problemType != null) {
                c.put("problem_type", problemType);
            }
            if (head == Head.MASKED_LM && decoder == Decoder.SEPARATE) {
                c.put("tie_word_embeddings", false);
            }
            c.put("torch_dtype", switch (dtype) {
                case F32, I64 -> "float32";
                case F16 -> "float16";
                case BF16 -> "bfloat16";
            });
            c.put("transformers_version", "4.44.2");
            c.put("vocab_size", vocab.size());
            c.putAll(configOverrides);
            return c;
        }
    }

    private static boolean isNormWeight(String key) {
        return key.endsWith(".weight") && (key.contains("LayerNorm") || key.contains("layer_norm"));
    }

    private static void linear(Map<String, long[]> s, String prefix, long out, long in) {
        s.put(prefix + ".weight", new long[] {out, in});
        s.put(prefix + ".bias", new long[] {out});
    }

    private static void norm(Map<String, long[]> s, String prefix, long hidden) {
        s.put(prefix + ".weight", new long[] {hidden});
        s.put(prefix + ".bias", new long[] {hidden});
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
