package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tokenizer.json for a repo that ships a SentencePiece model and no tokenizer.json, built as
 * transformers 5 builds its fast tokenizer from that model (the reference for what it holds:
 * {@code TokenizersBackend._convert_from_sentencepiece} and the tokenizer class's own pipeline).
 * Implemented for {@code DebertaV2Tokenizer} ({@code spm.model}, microsoft/deberta-v3-* and their
 * fine-tunes): the Unigram pieces and scores, transformers 5's normalizer (whitespace runs and
 * tabs/newlines to one space, NFC, right strip; lowercase when {@code do_lower_case}), Metaspace
 * pre-tokenizer and decoder ({@code add_prefix_space}, {@code split_by_punct}), the
 * {@code [CLS] A [SEP] (B [SEP])} template, and the special tokens with the ids the model file,
 * {@code added_tokens.json} and tokenizer_config.json give them. Like transformers 5 it does not use
 * the model's precompiled normalization map (transformers 4's converter did: NFKC-like folding of
 * rare characters is where the two versions differ).
 *
 * <p>Marian repos (MarianTokenizer's source.spm, target.spm and vocab.json) are not converted here:
 * no tokenizer.json reproduces MarianTokenizer exactly (an unknown run of characters is looked up in
 * vocab.json by its text, a leading {@code >>xx<<} stays whole), so {@link MarianTokenizer} ports it.
 */
final class SentencePieceConversion {
    /** transformers' SPECIAL_TOKENS_ATTRIBUTES, in its order. */
    private static final List<String> SPECIAL_NAMES = List.of("bos_token", "eos_token", "unk_token", "sep_token",
            "pad_token", "cls_token", "mask_token");
    /** DebertaV2Tokenizer's defaults. */
    private static final Map<String, String> DEBERTA_DEFAULTS = Map.of("bos_token", "[CLS]", "eos_token", "[SEP]",
            "unk_token", "[UNK]", "sep_token", "[SEP]", "pad_token", "[PAD]", "cls_token", "[CLS]", "mask_token", "[MASK]");
    static final String SPM_FILE = "spm.model";

    private SentencePieceConversion() {
    }

    /** The tokenizer class transformers would build for the repo: tokenizer_config.json's, else by model_type. */
    static String tokenizerClass(JsonNode config, JsonNode tokenizerConfig) {
        String declared = tokenizerConfig.path("tokenizer_class").asText("");
        if (!declared.isEmpty()) {
            return declared.endsWith("Fast") ? declared.substring(0, declared.length() - 4) : declared;
        }
        return switch (config.path("model_type").asText("")) {
            case "deberta-v2" -> "DebertaV2Tokenizer";
            default -> "";
        };
    }

    /**
     * The converted tokenizer.json for a snapshot without one, if it has a SentencePiece model this
     * class converts; throws UNSUPPORTED_MODEL_FILES for a SentencePiece model of another tokenizer.
     */
    static Optional<ObjectNode> convert(Path dir, JsonNode config, JsonNode tokenizerConfig, JsonNode specialTokensMap) {
        Path spm = dir.resolve(SPM_FILE);
        if (!Files.isRegularFile(spm)) {
            return Optional.empty();
        }
        String cls = tokenizerClass(config, tokenizerConfig);
        if (!cls.equals("DebertaV2Tokenizer")) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The repo has " + SPM_FILE
                    + " and no tokenizer.json; Modelport converts SentencePiece models of DebertaV2Tokenizer, not of "
                    + (cls.isEmpty() ? "an unnamed tokenizer class" : cls));
        }
        SentencePieceModel model = SentencePieceModel.read(spm);
        if (model.modelType() != SentencePieceModel.UNIGRAM) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, SPM_FILE
                    + " is not a Unigram model (model_type " + model.modelType() + "), which DebertaV2Tokenizer expects");
        }
        return Optional.of(deberta(model, tokenizerConfig, specialTokensMap, Json.readOptional(dir.resolve("added_tokens.json"))));
    }

    static ObjectNode deberta(SentencePieceModel model, JsonNode tokenizerConfig, JsonNode specialTokensMap,
                              JsonNode addedTokensFile) {
        Map<String, String> special = new LinkedHashMap<>();
        for (String name : SPECIAL_NAMES) {
            String configured = Json.tokenText(tokenizerConfig.path(name));
            if (configured == null) {
                configured = Json.tokenText(specialTokensMap.path(name));
            }
            special.put(name, configured != null ? configured : DEBERTA_DEFAULTS.get(name));
        }
        boolean lowerCase = tokenizerConfig.path("do_lower_case").asBoolean(false);
        boolean splitByPunct = tokenizerConfig.path("split_by_punct").asBoolean(false);
        boolean addPrefixSpace = tokenizerConfig.path("add_prefix_space").asBoolean(true);
        String prependScheme = addPrefixSpace ? "always" : "first";

        // the vocabulary and the unknown piece as DebertaV2Tokenizer picks it: (unk_token, 0.0) if
        // the model has that entry, else the trainer's unk_id
        Map<String, Integer> ids = new HashMap<>();
        ArrayNode vocab = Json.array();
        int unkId = model.unkId();
        for (int i = 0; i < model.pieces().size(); i++) {
            SentencePieceModel.Piece p = model.pieces().get(i);
            vocab.addArray().add(p.piece()).add(p.score());
            ids.putIfAbsent(p.piece(), i);
        }
        for (int i = 0; i < model.pieces().size(); i++) {
            SentencePieceModel.Piece p = model.pieces().get(i);
            if (p.piece().equals(special.get("unk_token")) && p.score() == 0.0) {
                unkId = i;
                break;
            }
        }

        // added tokens: the model's control (special) and user-defined (not special) pieces, then the
        // special tokens; a token outside the model takes its id from added_tokens.json or
        // tokenizer_config.json's added_tokens_decoder, else the next free id
        Map<String, JsonNode> declared = declaredAddedTokens(tokenizerConfig);
        Map<Integer, ObjectNode> added = new java.util.TreeMap<>();
        int next = model.pieces().size();
        for (int i = 0; i < model.pieces().size(); i++) {
            SentencePieceModel.Piece p = model.pieces().get(i);
            if (p.type() == SentencePieceModel.CONTROL || p.type() == SentencePieceModel.USER_DEFINED) {
                added.putIfAbsent(i, addedToken(i, p.piece(), p.type() == SentencePieceModel.CONTROL, declared.get(p.piece())));
            }
        }
        Map<String, Integer> extra = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = addedTokensFile.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isIntegralNumber()) {
                extra.put(e.getKey(), e.getValue().asInt());
            }
        }
        for (Map.Entry<String, JsonNode> e : declared.entrySet()) {
            extra.putIfAbsent(e.getKey(), e.getValue().path("id").asInt());
        }
        int maxExtra = extra.values().stream().mapToInt(Integer::intValue).max().orElse(next - 1);
        next = Math.max(next, maxExtra + 1);
        for (String name : SPECIAL_NAMES) {
            String token = special.get(name);
            Integer id = ids.get(token);
            if (id == null) {
                id = extra.get(token);
            }
            if (id == null) {
                id = next++;
            }
            ids.putIfAbsent(token, id);
            added.putIfAbsent(id, addedToken(id, token, true, declared.get(token)));
        }
        for (Map.Entry<String, Integer> e : extra.entrySet()) {
            if (!ids.containsKey(e.getKey())) {
                ids.put(e.getKey(), e.getValue());
                added.putIfAbsent(e.getValue(), addedToken(e.getValue(), e.getKey(),
                        declared.containsKey(e.getKey()) && declared.get(e.getKey()).path("special").asBoolean(false),
                        declared.get(e.getKey())));
            }
        }

        ObjectNode json = Json.object();
        json.put("version", "1.0");
        json.putNull("truncation");
        json.putNull("padding");
        ArrayNode addedTokens = json.putArray("added_tokens");
        added.values().forEach(addedTokens::add);

        ObjectNode normalizer = json.putObject("normalizer");
        normalizer.put("type", "Sequence");
        ArrayNode normalizers = normalizer.putArray("normalizers");
        if (lowerCase) {
            normalizers.addObject().put("type", "Lowercase");
        }
        ObjectNode replace = normalizers.addObject().put("type", "Replace");
        replace.putObject("pattern").put("Regex", "\\s{2,}|[\\n\\r\\t]");
        replace.put("content", " ");
        normalizers.addObject().put("type", "NFC");
        normalizers.addObject().put("type", "Strip").put("strip_left", false).put("strip_right", true);

        ObjectNode pre = json.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        if (splitByPunct) {
            pres.addObject().put("type", "Punctuation").put("behavior", "Isolated");
        }
        pres.add(metaspace(prependScheme));

        String cls = special.get("cls_token");
        String sep = special.get("sep_token");
        json.set("post_processor", template(cls, ids.getOrDefault(cls, 0), sep, ids.getOrDefault(sep, 0)));
        json.set("decoder", metaspace(prependScheme));

        ObjectNode unigram = json.putObject("model");
        unigram.put("type", "Unigram");
        unigram.put("unk_id", unkId);
        unigram.set("vocab", vocab);
        unigram.put("byte_fallback", false);
        return json;
    }

    private static ObjectNode metaspace(String prependScheme) {
        return Json.object().put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", prependScheme)
                .put("split", true);
    }

    /** TemplateProcessing {@code cls:0 $A:0 sep:0} / {@code cls:0 $A:0 sep:0 $B:1 sep:1}. */
    private static ObjectNode template(String cls, int clsId, String sep, int sepId) {
        ObjectNode t = Json.object().put("type", "TemplateProcessing");
        ArrayNode single = t.putArray("single");
        special(single, cls, 0);
        sequence(single, "A", 0);
        special(single, sep, 0);
        ArrayNode pair = t.putArray("pair");
        special(pair, cls, 0);
        sequence(pair, "A", 0);
        special(pair, sep, 0);
        sequence(pair, "B", 1);
        special(pair, sep, 1);
        ObjectNode tokens = t.putObject("special_tokens");
        for (Map.Entry<String, Integer> e : List.of(Map.entry(cls, clsId), Map.entry(sep, sepId))) {
            ObjectNode entry = tokens.putObject(e.getKey()).put("id", e.getKey());
            entry.putArray("ids").add(e.getValue());
            entry.putArray("tokens").add(e.getKey());
        }
        return t;
    }

    private static void special(ArrayNode items, String id, int type) {
        items.addObject().putObject("SpecialToken").put("id", id).put("type_id", type);
    }

    private static void sequence(ArrayNode items, String id, int type) {
        items.addObject().putObject("Sequence").put("id", id).put("type_id", type);
    }

    private static ObjectNode addedToken(int id, String content, boolean special, JsonNode declared) {
        JsonNode d = declared == null ? Json.object() : declared;
        return Json.object().put("id", id).put("content", content)
                .put("single_word", d.path("single_word").asBoolean(false))
                .put("lstrip", d.path("lstrip").asBoolean(false))
                .put("rstrip", d.path("rstrip").asBoolean(false))
                .put("normalized", d.path("normalized").asBoolean(false))
                .put("special", d.has("special") ? d.path("special").asBoolean() : special);
    }

    /** tokenizer_config.json's added_tokens_decoder: {"id": {"content", "lstrip", ...}}, by content. */
    private static Map<String, JsonNode> declaredAddedTokens(JsonNode tokenizerConfig) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tokenizerConfig.path("added_tokens_decoder").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                ObjectNode token = e.getValue().deepCopy();
                token.put("id", Integer.parseInt(e.getKey()));
                out.put(token.path("content").asText(), token);
            } catch (NumberFormatException | ClassCastException ignored) {
                // not an id: transformers would fail on it too; the token is left to the defaults
            }
        }
        return out;
    }

    /**
     * The converted tokenizer.json as a file DJL's tokenizer can read: written once per distinct
     * content under the temp folder (named by its sha256), so redeploying a model reuses it.
     */
    static Path materialize(ObjectNode tokenizerJson) {
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(tokenizerJson);
            String name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + ".json";
            Path folder = Path.of(System.getProperty("java.io.tmpdir"), "modelport-tokenizers");
            Files.createDirectories(folder);
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                Path part = Files.createTempFile(folder, name, ".part");
                Files.write(part, bytes);
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the converted tokenizer.json", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
