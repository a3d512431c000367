package dev.modelport.testing.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes genuine Hugging Face tokenizer files for the tiny checkpoints: a BERT-style WordPiece
 * tokenizer (as /work/shared/contract/tiny_repo.py writes it) and a RoBERTa-style byte-level BPE
 * tokenizer. Both are real {@code tokenizers} JSON that the Rust library loads.
 */
public final class TinyTokenizer {

    /** The vocabulary written and the ids of its special tokens. */
    public record Vocabulary(List<String> tokens, int pad, int unk, int cls, int sep, int mask) {
        public int size() {
            return tokens.size();
        }

        public int id(String token) {
            int i = tokens.indexOf(token);
            if (i < 0) {
                throw new IllegalArgumentException("not in vocabulary: " + token);
            }
            return i;
        }
    }

    /** Common English words both tokenizers know whole; anything else splits into pieces. */
    public static final List<String> WORDS = List.of((
            "the a an and or but is are was were i you he she it we they this that these those love hate like good bad "
                    + "great terrible product movie day service very not no yes what why how where when who to of in on for with "
                    + "my your our their hello world deploy model fast slow ok okay best worst ever again would buy "
                    + "john smith paris london berlin lives works at name city capital france germany").split(" "));

    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyTokenizer() {
    }

    public static Vocabulary wordPieceVocabulary() {
        LinkedHashSet<String> v = new LinkedHashSet<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        v.addAll(WORDS);
        List<String> letters = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            letters.add(String.valueOf(c));
        }
        for (char c = '0'; c <= '9'; c++) {
            letters.add(String.valueOf(c));
        }
        for (char c : ".,!?;:'\"-()".toCharArray()) {
            letters.add(String.valueOf(c));
        }
        v.addAll(letters);
        for (String l : letters) {
            v.add("##" + l);
        }
        return new Vocabulary(List.copyOf(v), 0, 1, 2, 3, 4);
    }

    /**
     * Writes tokenizer.json (BertNormalizer lowercase, BertPreTokenizer, WordPiece, TemplateProcessing
     * with [CLS]/[SEP]), tokenizer_config.json, special_tokens_map.json and vocab.txt.
     */
    public static Vocabulary writeWordPiece(Path dir, int modelMaxLength) {
        Vocabulary v = wordPieceVocabulary();
        ObjectNode tok = JSON.createObjectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        for (int i = 0; i < 5; i++) {
            addedToken(added, i, v.tokens().get(i), false);
        }
        ObjectNode norm = tok.putObject("normalizer");
        norm.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents");
        norm.put("lowercase", true);
        tok.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = tok.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of("[CLS]", "[SEP]")) {
            ObjectNode st = specials.putObject(s);
            st.put("id", s);
            st.putArray("ids").add(v.id(s));
            st.putArray("tokens").add(s);
        }
        tok.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < v.size(); i++) {
            vocab.put(v.tokens().get(i), i);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("do_lower_case", true);
        config.put("model_max_length", modelMaxLength);
        config.put("tokenizer_class", "BertTokenizer");
        config.put("cls_token", "[CLS]");
        config.put("sep_token", "[SEP]");
        config.put("pad_token", "[PAD]");
        config.put("mask_token", "[MASK]");
        config.put("unk_token", "[UNK]");
        Map<String, Object> specialMap = Map.of("cls_token", "[CLS]", "sep_token", "[SEP]", "pad_token", "[PAD]",
                "mask_token", "[MASK]", "unk_token", "[UNK]");
        writeJson(dir.resolve("tokenizer.json"), tok);
        writeJson(dir.resolve("tokenizer_config.json"), config);
        writeJson(dir.resolve("special_tokens_map.json"), specialMap);
        writeText(dir.resolve("vocab.txt"), String.join("\n", v.tokens()) + "\n");
        return v;
    }

    /** GPT-2's reversible byte → printable character table. */
    public static String[] byteToUnicode() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        String[] table = new String[256];
        for (int b : bs) {
            table[b] = String.valueOf((char) b);
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (table[b] == null) {
                table[b] = String.valueOf((char) (256 + n++));
            }
        }
        return table;
    }

    /**
     * BPE merges learnt the way BPE training does (most frequent adjacent pair first, ties by name)
     * on {@link #WORDS}, with and without the leading-space marker, until every word is one token.
     */
    static List<String[]> byteLevelMerges() {
        List<List<String>> words = new ArrayList<>();
        for (String w : WORDS) {
            for (String form : List.of("\u0120" + w, w)) {
                List<String> symbols = new ArrayList<>();
                for (char c : form.toCharArray()) {
                    symbols.add(String.valueOf(c));
                }
                words.add(symbols);
            }
        }
        List<String[]> merges = new ArrayList<>();
        while (true) {
            java.util.TreeMap<String, Integer> counts = new java.util.TreeMap<>();
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    counts.merge(w.get(i) + " " + w.get(i + 1), 1, Integer::sum);
                }
            }
            if (counts.isEmpty()) {
                return merges;
            }
            String best = counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))).orElseThrow().getKey();
            String[] pair = best.split(" ");
            merges.add(pair);
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(pair[0]) && w.get(i + 1).equals(pair[1])) {
                        w.set(i, pair[0] + pair[1]);
                        w.remove(i + 1);
                    }
                }
            }
        }
    }

    public static Vocabulary byteLevelVocabulary() {
        LinkedHashSet<String> v = new LinkedHashSet<>(List.of("<s>", "<pad>", "</s>", "<unk>"));
        v.addAll(List.of(byteToUnicode()));
        for (String[] m : byteLevelMerges()) {
            v.add(m[0] + m[1]);
        }
        v.add("<mask>");
        List<String> tokens = List.copyOf(v);
        return new Vocabulary(tokens, 1, 3, 0, 2, tokens.size() - 1);
    }

    /**
     * Writes a RoBERTa tokenizer: byte-level BPE with RobertaProcessing ({@code <s> A </s></s> B </s>}),
     * tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.json and merges.txt.
     */
    public static Vocabulary writeByteLevelBpe(Path dir, int modelMaxLength) {
        Vocabulary v = byteLevelVocabulary();
        List<String[]> merges = byteLevelMerges();
        ObjectNode tok = JSON.createObjectNode();
        tok.put("version", "1.0");
        tok.putNull("truncation");
        tok.putNull("padding");
        ArrayNode added = tok.putArray("added_tokens");
        for (int i = 0; i < 4; i++) {
            addedToken(added, i, v.tokens().get(i), false);
        }
        addedToken(added, v.mask(), "<mask>", true);
        tok.putNull("normalizer");
        tok.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode post = tok.putObject("post_processor");
        post.put("type", "RobertaProcessing");
        post.putArray("sep").add("</s>").add(v.sep());
        post.putArray("cls").add("<s>").add(v.cls());
        post.put("trim_offsets", true).put("add_prefix_space", false);
        tok.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = tok.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < v.size(); i++) {
            vocab.put(v.tokens().get(i), i);
        }
        ArrayNode mergeArray = model.putArray("merges");
        StringBuilder mergesTxt = new StringBuilder("#version: 0.2\n");
        for (String[] m : merges) {
            mergeArray.add(m[0] + " " + m[1]);
            mergesTxt.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "RobertaTokenizer");
        config.put("model_max_length", modelMaxLength);
        config.put("add_prefix_space", false);
        config.put("errors", "replace");
        config.put("bos_token", "<s>");
        config.put("eos_token", "</s>");
        config.put("sep_token", "</s>");
        config.put("cls_token", "<s>");
        config.put("unk_token", "<unk>");
        config.put("pad_token", "<pad>");
        config.put("mask_token", Map.of("content", "<mask>", "lstrip", true, "rstrip", false,
                "normalized", false, "single_word", false, "__type", "AddedToken"));
        Map<String, Object> specialMap = new LinkedHashMap<>();
        specialMap.put("bos_token", "<s>");
        specialMap.put("eos_token", "</s>");
        specialMap.put("sep_token", "</s>");
        specialMap.put("cls_token", "<s>");
        specialMap.put("unk_token", "<unk>");
        specialMap.put("pad_token", "<pad>");
        specialMap.put("mask_token", "<mask>");
        Map<String, Integer> vocabJson = new LinkedHashMap<>();
        for (int i = 0; i < v.size(); i++) {
            vocabJson.put(v.tokens().get(i), i);
        }
        writeJson(dir.resolve("tokenizer.json"), tok);
        writeJson(dir.resolve("tokenizer_config.json"), config);
        writeJson(dir.resolve("special_tokens_map.json"), specialMap);
        writeJson(dir.resolve("vocab.json"), vocabJson);
        writeText(dir.resolve("merges.txt"), mergesTxt.toString());
        return v;
    }

    private static void addedToken(ArrayNode added, int id, String content, boolean lstrip) {
        added.addObject().put("id", id).put("content", content).put("single_word", false).put("lstrip", lstrip)
                .put("rstrip", false).put("normalized", false).put("special", true);
    }

    private static void special(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", id).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }

    static void writeJson(Path file, Object value) {
        try {
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeText(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
