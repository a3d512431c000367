package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * transformers' {@code MarianTokenizer} (Helsinki-NLP/opus-mt-*: {@code source.spm},
 * {@code target.spm}, {@code vocab.json}), ported as transformers 5.18 runs it:
 * <ul>
 *   <li>encode: the text split on the special tokens ({@code </s> <unk> <pad>} and any additional
 *   ones; the {@code lstrip}/{@code rstrip} of tokenizer_config.json's {@code added_tokens_decoder}
 *   honoured); in each other part a leading language code ({@code >>fra<<}: the text up to the first
 *   {@code <<} when it starts with {@code >>}) kept as one token, the rest segmented by source.spm
 *   ({@link SentencePieceSegmenter}); each piece → its vocab.json id, a piece vocab.json lacks → the
 *   unk id (an unknown run of characters is one piece: its text, looked up as is); {@code </s>} appended;</li>
 *   <li>decode: ids → vocab.json's pieces (special ids skipped), then sentencepiece's
 *   {@code decode_pieces} (control pieces of the spm vanish, ▁ → space) and a Python
 *   {@code strip()}; transformers 5 decodes with source.spm when the vocabularies are joint.</li>
 * </ul>
 * Not converted into a tokenizer.json: tokenizers' Unigram would give an unknown run the unk id where
 * MarianTokenizer looks its text up in vocab.json, and it has no way to keep a leading {@code >>xx<<}
 * whole while leaving one elsewhere to the segmenter. {@code separate_vocabs} repos (target_vocab.json)
 * are refused.
 */
final class MarianTokenizer {
    static final String SOURCE_SPM = "source.spm";
    static final String TARGET_SPM = "target.spm";
    static final String VOCAB = "vocab.json";
    private static final String SPACE_SYMBOL = "\u2581";

    private final SentencePieceSegmenter source;
    private final SentencePieceModel decodeModel;
    private final Map<String, Integer> vocab;
    private final Map<Integer, String> pieces;
    private final int unkId;
    private final int eosId;
    /** The special tokens, longest first (the order the split tries them in at one position). */
    private final List<String> specialTokens;
    private final Map<String, boolean[]> strips;
    private final Set<Long> specialIds;
    private final Set<String> controlPieces;
    private final Set<String> decodePieces;

    private MarianTokenizer(SentencePieceSegmenter source, SentencePieceModel decodeModel, Map<String, Integer> vocab,
                            int unkId, int eosId, List<String> specialTokens, Map<String, boolean[]> strips) {
        this.source = source;
        this.decodeModel = decodeModel;
        this.vocab = vocab;
        this.pieces = new HashMap<>();
        vocab.forEach((piece, id) -> pieces.putIfAbsent(id, piece));
        this.unkId = unkId;
        this.eosId = eosId;
        this.specialTokens = specialTokens;
        this.strips = strips;
        this.specialIds = new HashSet<>();
        for (String token : specialTokens) {
            specialIds.add((long) vocab.get(token));
        }
        this.controlPieces = new HashSet<>();
        this.decodePieces = new HashSet<>();
        for (SentencePieceModel.Piece p : decodeModel.pieces()) {
            decodePieces.add(p.piece());
            if (p.type() == SentencePieceModel.CONTROL) {
                controlPieces.add(p.piece());
            }
        }
    }

    /** Whether the snapshot is a MarianTokenizer repo (source.spm and vocab.json, no tokenizer.json). */
    static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(SOURCE_SPM)) && Files.isRegularFile(dir.resolve(VOCAB));
    }

    static MarianTokenizer read(Path dir, JsonNode tokenizerConfig, JsonNode specialTokensMap) {
        if (tokenizerConfig.path("separate_vocabs").asBoolean(false) || Files.isRegularFile(dir.resolve("target_vocab.json"))) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The repo's MarianTokenizer has separate"
                    + " source and target vocabularies (separate_vocabs, target_vocab.json); Modelport serves Marian"
                    + " repos with one joint vocab.json");
        }
        if (!Files.isRegularFile(dir.resolve(TARGET_SPM))) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The repo has source.spm but no target.spm,"
                    + " which MarianTokenizer needs");
        }
        SentencePieceModel sourceModel = SentencePieceModel.read(dir.resolve(SOURCE_SPM));
        SentencePieceModel targetModel = SentencePieceModel.read(dir.resolve(TARGET_SPM));
        SentencePieceSegmenter segmenter = SentencePieceSegmenter.of(sourceModel, SOURCE_SPM);
        for (SentencePieceModel m : List.of(sourceModel, targetModel)) {
            if (m.hasDenormalizer()) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The repo's SentencePiece model has"
                        + " denormalization rules, which Modelport does not apply");
            }
            if (m.pieces().stream().anyMatch(p -> p.type() == SentencePieceModel.BYTE)) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The repo's SentencePiece model has"
                        + " byte pieces, which Modelport's MarianTokenizer does not decode");
            }
        }
        JsonNode vocabJson = Json.readOptional(dir.resolve(VOCAB));
        if (!vocabJson.isObject() || vocabJson.isEmpty()) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, VOCAB + " is not a {piece: id} object");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabJson.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().asInt() < 0) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, VOCAB + " maps '" + e.getKey()
                        + "' to " + e.getValue() + ", not a token id");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        String unk = special(tokenizerConfig, specialTokensMap, "unk_token", "<unk>");
        String eos = special(tokenizerConfig, specialTokensMap, "eos_token", "</s>");
        String pad = special(tokenizerConfig, specialTokensMap, "pad_token", "<pad>");
        List<String> specials = new ArrayList<>(List.of(eos, unk, pad));
        for (JsonNode extra : additional(tokenizerConfig, specialTokensMap)) {
            String token = Json.tokenText(extra);
            if (token != null && !specials.contains(token)) {
                specials.add(token);
            }
        }
        Map<String, boolean[]> strips = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tokenizerConfig.path("added_tokens_decoder").fields(); it.hasNext(); ) {
            JsonNode token = it.next().getValue();
            String content = token.path("content").asText("");
            if (content.isEmpty()) {
                continue;
            }
            if (!specials.contains(content)) {
                specials.add(content);
            }
            strips.put(content, new boolean[] {token.path("lstrip").asBoolean(false), token.path("rstrip").asBoolean(false)});
        }
        for (String token : specials) {
            if (!vocab.containsKey(token)) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The special token '" + token
                        + "' is not in " + VOCAB + "; Modelport's MarianTokenizer takes special tokens from it");
            }
        }
        List<String> longestFirst = new ArrayList<>(specials);
        longestFirst.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return new MarianTokenizer(segmenter, sourceModel, vocab, vocab.get(unk), vocab.get(eos), List.copyOf(longestFirst),
                strips);
    }

    private static String special(JsonNode tokenizerConfig, JsonNode specialTokensMap, String name, String fallback) {
        String configured = Json.tokenText(tokenizerConfig.path(name));
        if (configured == null) {
            configured = Json.tokenText(specialTokensMap.path(name));
        }
        return configured != null ? configured : fallback;
    }

    private static JsonNode additional(JsonNode tokenizerConfig, JsonNode specialTokensMap) {
        for (String name : List.of("additional_special_tokens", "extra_special_tokens")) {
            if (tokenizerConfig.path(name).isArray()) {
                return tokenizerConfig.path(name);
            }
        }
        return specialTokensMap.path("additional_special_tokens");
    }

    /**
     * A tokenizer.json-shaped summary for the code that reads one ({@link Vocabulary}, the special
     * ids): vocab.json as a WordPiece-style {piece: id} object, and the special tokens as added tokens.
     */
    ObjectNode describe() {
        ObjectNode json = Json.object();
        ArrayNode added = json.putArray("added_tokens");
        for (String token : specialTokens) {
            added.addObject().put("id", vocab.get(token)).put("content", token).put("special", true);
        }
        ObjectNode model = json.putObject("model");
        model.put("type", "MarianTokenizer");
        model.put("unk_token", pieces.get(unkId));
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        return json;
    }

    /** The tokens of {@code text}: its pieces (and special tokens), with no {@code </s>} added. */
    List<String> tokenize(String text) {
        List<String> parts = splitOnSpecialTokens(text);
        List<String> out = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            if (specialTokens.contains(part)) {
                out.add(part);
                continue;
            }
            String rest = part;
            if (rest.startsWith(">>")) {
                int end = rest.indexOf("<<");
                if (end != -1) {
                    out.add(rest.substring(0, end + 2));
                    rest = rest.substring(end + 2);
                }
            }
            out.addAll(source.encode(rest));
        }
        return out;
    }

    /**
     * transformers' Trie.split on the added tokens (the earliest match, the longest there), then each
     * token's rstrip/lstrip applied to its neighbours. Special tokens come back as themselves; every
     * other part is text (a text part equal to a special token cannot occur: it would have matched).
     */
    private List<String> splitOnSpecialTokens(String text) {
        List<String> parts = new ArrayList<>();
        List<Boolean> isSpecial = new ArrayList<>();
        int last = 0;
        int i = 0;
        while (i < text.length()) {
            String match = null;
            for (String token : specialTokens) {
                if (text.startsWith(token, i)) {
                    match = token;
                    break;
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            if (i > last) {
                parts.add(text.substring(last, i));
                isSpecial.add(false);
            }
            parts.add(match);
            isSpecial.add(true);
            i += match.length();
            last = i;
        }
        if (last < text.length()) {
            parts.add(text.substring(last));
            isSpecial.add(false);
        }
        for (int k = 0; k < parts.size(); k++) {
            if (!isSpecial.get(k)) {
                continue;
            }
            boolean[] strip = strips.getOrDefault(parts.get(k), new boolean[2]);
            if (strip[1] && k + 1 < parts.size() && !parts.get(k + 1).isEmpty()) {
                parts.set(k + 1, PythonText.lstrip(parts.get(k + 1)));
            }
            if (strip[0] && k > 0 && !parts.get(k - 1).isEmpty()) {
                parts.set(k - 1, PythonText.rstrip(parts.get(k - 1)));
            }
        }
        return parts;
    }

    /** The ids of {@code text}: its tokens' vocab.json ids (unknown → unk), then {@code </s>} when asked. */
    Encoded encode(String text, boolean addEos, int maxLength) {
        List<String> tokens = new ArrayList<>(tokenize(text));
        int room = addEos ? maxLength - 1 : maxLength;
        if (maxLength > 0 && tokens.size() > Math.max(room, 0)) {
            tokens = new ArrayList<>(tokens.subList(0, Math.max(room, 0)));
        }
        if (addEos) {
            tokens.add(pieces.get(eosId));
        }
        int n = tokens.size();
        long[] ids = new long[n];
        long[] special = new long[n];
        long[] zeros = new long[n];
        long[] words = new long[n];
        long[] sequence = new long[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        Arrays.fill(words, -1);
        Arrays.fill(starts, -1);
        Arrays.fill(ends, -1);
        for (int i = 0; i < n; i++) {
            boolean eos = addEos && i == n - 1;
            ids[i] = eos ? eosId : vocab.getOrDefault(tokens.get(i), unkId);
            special[i] = eos ? 1 : 0;
            sequence[i] = eos ? -1 : 0;
        }
        return new Encoded(ids, zeros, special, words, sequence, tokens.toArray(String[]::new), starts, ends);
    }

    /** transformers' {@code decode(ids, skip_special_tokens=...)} (without the clean-up of tokenization spaces). */
    String decode(long[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>();
        for (long id : ids) {
            if (skipSpecialTokens && specialIds.contains(id)) {
                continue;
            }
            String piece = id >= 0 && id <= Integer.MAX_VALUE ? pieces.get((int) id) : null;
            if (piece == null) {
                // MarianTokenizer asks the spm for the piece of an id outside vocab.json
                piece = id >= 0 && id < decodeModel.pieces().size() ? decodeModel.pieces().get((int) id).piece() : "";
                if (piece.isEmpty()) {
                    piece = pieces.get(unkId);
                }
            }
            tokens.add(piece);
        }
        StringBuilder out = new StringBuilder();
        List<String> run = new ArrayList<>();
        for (String token : tokens) {
            if (specialTokens.contains(token)) {
                out.append(decodePieces(run)).append(token).append(' ');
                run.clear();
            } else {
                run.add(token);
            }
        }
        out.append(decodePieces(run));
        return PythonText.strip(out.toString().replace(SPACE_SYMBOL, " "));
    }

    /**
     * sentencepiece's decode_pieces, up to the ▁ → space that MarianTokenizer does afterwards anyway:
     * a control piece vanishes, the unknown piece reads " ⁇ ", and the first piece loses a leading ▁.
     */
    private String decodePieces(List<String> run) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        String unknown = decodeModel.pieces().get(decodeModel.unkId() < decodeModel.pieces().size()
                ? decodeModel.unkId() : 0).piece();
        for (String piece : run) {
            if (controlPieces.contains(piece)) {
                continue;
            }
            if (piece.equals(unknown)) {
                out.append(" \u2047 ");
            } else if (first && piece.startsWith(SPACE_SYMBOL) && knownTo(piece)) {
                out.append(piece, SPACE_SYMBOL.length(), piece.length());
            } else {
                out.append(piece);
            }
            first = false;
        }
        return out.toString().replace(SPACE_SYMBOL, " ");
    }

    private boolean knownTo(String piece) {
        return decodePieces.contains(piece);
    }
}
