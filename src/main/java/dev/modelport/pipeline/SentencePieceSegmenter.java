package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sentencepiece library's {@code SentencePieceProcessor.encode(text, out_type=str)} for a
 * Unigram model, ported: the normalizer ({@code normalizer.cc}: the model's precompiled
 * character map, a Darts double-array trie searched for the longest rule at each position; leading,
 * trailing and repeated spaces removed; the dummy-prefix {@code ▁}; spaces escaped as {@code ▁}),
 * the Viterbi search of {@code unigram_model.cc}'s {@code EncodeOptimized} (float32 scores, the
 * unknown piece scored {@code min_score - 10}, ties kept by the first candidate), and the merging of
 * consecutive unknown pieces into one piece whose text is the normalized surface
 * ({@code PopulateSentencePieceText}). Everything runs on the UTF-8 bytes, as the library does.
 *
 * <p>Models this class cannot segment exactly are refused with UNSUPPORTED_MODEL_FILES: BPE/word/char
 * models, byte fallback, user-defined symbols, whitespace as suffix.
 */
final class SentencePieceSegmenter {
    private static final float UNK_PENALTY = 10.0f;
    private static final int MAX_TRIE_RESULTS = 32;
    private static final byte[] SPACE_SYMBOL = "\u2581".getBytes(StandardCharsets.UTF_8);

    private final SentencePieceModel model;
    /** The pieces the Viterbi search may use (NORMAL and UNUSED, as latin-1 strings of their UTF-8 bytes) → id. */
    private final Map<String, Integer> pieces = new HashMap<>();
    private final int maxPieceBytes;
    private final float unkScore;
    private final int unkId;
    private final int[] trie;
    private final byte[] normalized;

    private SentencePieceSegmenter(SentencePieceModel model, String fileName) {
        this.model = model;
        if (model.modelType() != SentencePieceModel.UNIGRAM) {
            throw refuse(fileName, "is not a Unigram model (model_type " + model.modelType() + ")");
        }
        if (model.byteFallback()) {
            throw refuse(fileName, "uses byte fallback");
        }
        if (model.treatWhitespaceAsSuffix()) {
            throw refuse(fileName, "treats whitespace as a suffix");
        }
        float min = Float.MAX_VALUE;
        int longest = 0;
        int unk = -1;
        for (int i = 0; i < model.pieces().size(); i++) {
            SentencePieceModel.Piece p = model.pieces().get(i);
            switch (p.type()) {
                case SentencePieceModel.USER_DEFINED -> throw refuse(fileName, "has user-defined symbols ('"
                        + p.piece() + "')");
                case SentencePieceModel.NORMAL, SentencePieceModel.UNUSED -> {
                    String key = latin1(p.piece());
                    pieces.putIfAbsent(key, i);
                    longest = Math.max(longest, key.length());
                    if (p.type() == SentencePieceModel.NORMAL) {
                        min = Math.min(min, (float) p.score());
                    }
                }
                case SentencePieceModel.UNKNOWN -> unk = unk < 0 ? i : unk;
                default -> {
                    // control and byte pieces are never matched in text
                }
            }
        }
        if (unk < 0) {
            throw refuse(fileName, "has no unknown piece");
        }
        this.maxPieceBytes = longest;
        this.unkScore = min - UNK_PENALTY;
        this.unkId = unk;
        byte[] charsmap = model.precompiledCharsmap();
        if (charsmap.length == 0) {
            this.trie = new int[0];
            this.normalized = new byte[0];
        } else {
            ByteBuffer buf = ByteBuffer.wrap(charsmap).order(ByteOrder.LITTLE_ENDIAN);
            int trieBytes = buf.getInt();
            if (trieBytes < 0 || trieBytes % 4 != 0 || trieBytes > charsmap.length - 4) {
                throw refuse(fileName, "has a malformed precompiled_charsmap");
            }
            this.trie = new int[trieBytes / 4];
            buf.asIntBuffer().get(trie);
            this.normalized = Arrays.copyOfRange(charsmap, 4 + trieBytes, charsmap.length);
        }
    }

    static SentencePieceSegmenter of(SentencePieceModel model, String fileName) {
        return new SentencePieceSegmenter(model, fileName);
    }

    private static ModelportException refuse(String fileName, String why) {
        return new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, fileName + " " + why
                + "; Modelport segments Unigram SentencePiece models without these");
    }

    private static String latin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The pieces of {@code text}, as {@code encode(text, out_type=str)} gives them. */
    List<String> encode(String text) {
        byte[] norm = normalize(text.getBytes(StandardCharsets.UTF_8));
        int size = norm.length;
        String key = new String(norm, StandardCharsets.ISO_8859_1);
        // best path ending at each byte position: its score, where its last piece starts, the piece id
        float[] score = new float[size + 1];
        int[] startsAt = new int[size + 1];
        int[] ids = new int[size + 1];
        Arrays.fill(startsAt, -1);
        int start = 0;
        while (start < size) {
            float here = score[start];
            int mblen = Math.min(charLength(norm[start]), size - start);
            boolean single = false;
            int limit = Math.min(size, start + maxPieceBytes);
            for (int end = start + 1; end <= limit; end++) {
                Integer id = pieces.get(key.substring(start, end));
                if (id == null || model.pieces().get(id).type() == SentencePieceModel.UNUSED) {
                    continue;
                }
                float candidate = (float) model.pieces().get(id).score() + here;
                if (startsAt[end] == -1 || candidate > score[end]) {
                    score[end] = candidate;
                    startsAt[end] = start;
                    ids[end] = id;
                }
                if (end - start == mblen) {
                    single = true;
                }
            }
            if (!single) {
                int end = start + mblen;
                float candidate = unkScore + here;
                if (startsAt[end] == -1 || candidate > score[end]) {
                    score[end] = candidate;
                    startsAt[end] = start;
                    ids[end] = unkId;
                }
            }
            start += mblen;
        }
        List<int[]> path = new ArrayList<>();
        for (int end = size; end > 0; end = startsAt[end]) {
            path.add(new int[] {startsAt[end], end, ids[end]});
        }
        List<String> out = new ArrayList<>(path.size());
        int unkRunStart = -1;
        int unkRunEnd = -1;
        for (int i = path.size() - 1; i >= 0; i--) {
            int[] node = path.get(i);
            if (node[2] == unkId) {
                if (unkRunStart < 0) {
                    unkRunStart = node[0];
                }
                unkRunEnd = node[1];
                continue;
            }
            if (unkRunStart >= 0) {
                out.add(new String(norm, unkRunStart, unkRunEnd - unkRunStart, StandardCharsets.UTF_8));
                unkRunStart = -1;
            }
            out.add(model.pieces().get(node[2]).piece());
        }
        if (unkRunStart >= 0) {
            out.add(new String(norm, unkRunStart, unkRunEnd - unkRunStart, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** UTF-8 sequence length from its first byte (sentencepiece's OneCharLen). */
    private static int charLength(byte first) {
        int b = first & 0xff;
        if (b < 0x80) {
            return 1;
        }
        if (b >= 0xf0) {
            return 4;
        }
        if (b >= 0xe0) {
            return 3;
        }
        if (b >= 0xc0) {
            return 2;
        }
        return 1;
    }

    /** normalizer.cc's Normalize. */
    byte[] normalize(byte[] input) {
        ByteArrayBuilder out = new ByteArrayBuilder(input.length * 3 + 3);
        int pos = 0;
        if (input.length == 0) {
            return new byte[0];
        }
        if (model.removeExtraWhitespaces()) {
            while (pos < input.length) {
                int[] p = normalizePrefix(input, pos);
                if (!(p[1] == 1 && p[2] == ' ')) {
                    break;
                }
                pos += p[0];
            }
        }
        if (pos >= input.length) {
            return new byte[0];
        }
        if (model.addDummyPrefix()) {
            appendSpace(out);
        }
        boolean prevSpace = model.removeExtraWhitespaces();
        while (pos < input.length) {
            int[] p = normalizePrefix(input, pos);
            byte[] sp = prefixBytes(input, pos, p);
            int from = 0;
            if (prevSpace && model.removeExtraWhitespaces()) {
                while (from < sp.length && sp[from] == ' ') {
                    from++;
                }
            }
            if (from < sp.length) {
                for (int n = from; n < sp.length; n++) {
                    if (model.escapeWhitespaces() && sp[n] == ' ') {
                        out.append(SPACE_SYMBOL);
                    } else {
                        out.append(sp[n]);
                    }
                }
                prevSpace = sp[sp.length - 1] == ' ';
            }
            pos += p[0];
            if (!model.removeExtraWhitespaces()) {
                prevSpace = false;
            }
        }
        if (model.removeExtraWhitespaces()) {
            byte[] space = model.escapeWhitespaces() ? SPACE_SYMBOL : new byte[] {' '};
            while (out.endsWith(space)) {
                out.truncate(out.length() - space.length);
            }
        }
        return out.toArray();
    }

    private void appendSpace(ByteArrayBuilder out) {
        if (model.escapeWhitespaces()) {
            out.append(SPACE_SYMBOL);
        } else {
            out.append((byte) ' ');
        }
    }

    /**
     * NormalizePrefix: {consumed input bytes, normalized length, first normalized byte (or -1),
     * offset into the rules' strings (or -1 for the input itself)}.
     */
    private int[] normalizePrefix(byte[] input, int pos) {
        int longestLength = 0;
        int longestValue = 0;
        if (trie.length > 0) {
            // Darts-clone commonPrefixSearch over the bytes from pos
            int id = 0;
            int found = 0;
            int unit = trie[0];
            id ^= offset(unit);
            for (int i = pos; i < input.length; i++) {
                int label = input[i] & 0xff;
                id ^= label;
                if (id < 0 || id >= trie.length) {
                    break;
                }
                unit = trie[id];
                if ((unit & ((1 << 31) | 0xff)) != label) {
                    break;
                }
                id ^= offset(unit);
                if (((unit >>> 8) & 1) != 0) {
                    if (id < 0 || id >= trie.length) {
                        break;
                    }
                    if (++found > MAX_TRIE_RESULTS) {
                        // the library keeps the first 32 matches only (kMaxTrieResultsSize)
                        continue;
                    }
                    int value = trie[id] & 0x7fffffff;
                    int length = i - pos + 1;
                    if (longestLength == 0 || length > longestLength) {
                        longestLength = length;
                        longestValue = value;
                    }
                }
            }
        }
        if (longestLength == 0) {
            int length = Math.min(charLength(input[pos]), input.length - pos);
            return new int[] {length, length, input[pos] & 0xff, -1};
        }
        if (longestValue >= normalized.length) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The SentencePiece model's"
                    + " precompiled_charsmap points outside its normalized strings");
        }
        int end = longestValue;
        while (end < normalized.length && normalized[end] != 0) {
            end++;
        }
        int n = end - longestValue;
        return new int[] {longestLength, n, n > 0 ? normalized[longestValue] & 0xff : -1, longestValue};
    }

    private byte[] prefixBytes(byte[] input, int pos, int[] p) {
        if (p[3] < 0) {
            return Arrays.copyOfRange(input, pos, pos + p[1]);
        }
        return Arrays.copyOfRange(normalized, p[3], p[3] + p[1]);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    /** A growable byte array. */
    private static final class ByteArrayBuilder {
        private byte[] bytes;
        private int length;

        ByteArrayBuilder(int capacity) {
            bytes = new byte[Math.max(capacity, 16)];
        }

        void append(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = b;
        }

        void append(byte[] b) {
            for (byte x : b) {
                append(x);
            }
        }

        boolean endsWith(byte[] suffix) {
            if (length < suffix.length) {
                return false;
            }
            for (int i = 0; i < suffix.length; i++) {
                if (bytes[length - suffix.length + i] != suffix[i]) {
                    return false;
                }
            }
            return true;
        }

        void truncate(int n) {
            length = n;
        }

        int length() {
            return length;
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, length);
        }
    }
}
