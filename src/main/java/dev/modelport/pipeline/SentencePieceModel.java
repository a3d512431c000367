package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece model file ({@code spm.model}, {@code spiece.model}): the {@code ModelProto}
 * protobuf of sentencepiece_model.proto, read here field by field (no protobuf library). Only what
 * a tokenizer conversion needs: the pieces with their scores and types, the trainer's model type
 * and special ids, and the normalizer's settings.
 *
 * @param modelType trainer_spec.model_type: 1 unigram, 2 BPE, 3 word, 4 char
 * @param treatWhitespaceAsSuffix trainer_spec.treat_whitespace_as_suffix (▁ ends a word instead of starting it)
 * @param hasDenormalizer whether the model has a denormalizer_spec with rules (applied when decoding)
 */
record SentencePieceModel(List<Piece> pieces, int modelType, int unkId, boolean byteFallback, String unkPiece,
                          String normalizerName, byte[] precompiledCharsmap, boolean addDummyPrefix,
                          boolean removeExtraWhitespaces, boolean escapeWhitespaces, boolean treatWhitespaceAsSuffix,
                          boolean hasDenormalizer) {

    /** sentencepiece_model.proto's SentencePiece.Type. */
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int BYTE = 6;
    static final int UNUSED = 5;
    static final int UNIGRAM = 1;

    /** One vocabulary entry; {@code score} is the float32 the file stores, widened. */
    record Piece(String piece, double score, int type) {
    }

    static SentencePieceModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "Cannot read " + file.getFileName() + ": "
                    + e.getMessage(), e);
        }
        try {
            return parse(bytes);
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, file.getFileName()
                    + " is not a SentencePiece model: " + e.getMessage(), e);
        }
    }

    static SentencePieceModel parse(byte[] bytes) {
        Reader model = new Reader(ByteBuffer.wrap(bytes));
        List<Piece> pieces = new ArrayList<>();
        // proto2 defaults
        int modelType = UNIGRAM;
        int unkId = 0;
        boolean byteFallback = false;
        String unkPiece = "<unk>";
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummyPrefix = true;
        boolean removeSpaces = true;
        boolean escapeSpaces = true;
        boolean suffix = false;
        boolean denormalizer = false;
        while (model.more()) {
            long key = model.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                pieces.add(piece(model.message()));
            } else if (field == 2 && wire == 2) {
                Reader trainer = model.message();
                while (trainer.more()) {
                    long k = trainer.varint();
                    int f = (int) (k >>> 3);
                    int w = (int) (k & 7);
                    switch (f) {
                        case 3 -> modelType = (int) trainer.varint();
                        case 24 -> suffix = trainer.varint() != 0;
                        case 35 -> byteFallback = trainer.varint() != 0;
                        case 40 -> unkId = (int) trainer.varint();
                        case 45 -> unkPiece = trainer.string();
                        default -> trainer.skip(w);
                    }
                }
            } else if (field == 3 && wire == 2) {
                Reader normalizer = model.message();
                while (normalizer.more()) {
                    long k = normalizer.varint();
                    int f = (int) (k >>> 3);
                    int w = (int) (k & 7);
                    switch (f) {
                        case 1 -> name = normalizer.string();
                        case 2 -> charsmap = normalizer.bytes();
                        case 3 -> dummyPrefix = normalizer.varint() != 0;
                        case 4 -> removeSpaces = normalizer.varint() != 0;
                        case 5 -> escapeSpaces = normalizer.varint() != 0;
                        default -> normalizer.skip(w);
                    }
                }
            } else if (field == 5 && wire == 2) {
                Reader denormalizerSpec = model.message();
                while (denormalizerSpec.more()) {
                    long k = denormalizerSpec.varint();
                    int f = (int) (k >>> 3);
                    int w = (int) (k & 7);
                    if (f == 2 && w == 2) {
                        denormalizer |= denormalizerSpec.bytes().length > 0;
                    } else {
                        denormalizerSpec.skip(w);
                    }
                }
            } else {
                model.skip(wire);
            }
        }
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("it has no pieces");
        }
        return new SentencePieceModel(List.copyOf(pieces), modelType, unkId, byteFallback, unkPiece, name, charsmap,
                dummyPrefix, removeSpaces, escapeSpaces, suffix, denormalizer);
    }

    private static Piece piece(Reader r) {
        String text = "";
        double score = 0;
        int type = NORMAL;
        while (r.more()) {
            long k = r.varint();
            int f = (int) (k >>> 3);
            int w = (int) (k & 7);
            switch (f) {
                case 1 -> text = r.string();
                case 2 -> score = r.float32();
                case 3 -> type = (int) r.varint();
                default -> r.skip(w);
            }
        }
        return new Piece(text, score, type);
    }

    /** Protobuf wire format over one message's bytes. */
    private static final class Reader {
        private final ByteBuffer buf;

        Reader(ByteBuffer buf) {
            this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean more() {
            return buf.hasRemaining();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf.get();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("a varint longer than 10 bytes");
        }

        int length() {
            long n = varint();
            if (n < 0 || n > buf.remaining()) {
                throw new IllegalArgumentException("a field of " + n + " bytes with " + buf.remaining() + " left");
            }
            return (int) n;
        }

        Reader message() {
            int n = length();
            ByteBuffer slice = buf.slice(buf.position(), n);
            buf.position(buf.position() + n);
            return new Reader(slice);
        }

        byte[] bytes() {
            byte[] out = new byte[length()];
            buf.get(out);
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        double float32() {
            return buf.getFloat();
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> buf.position(buf.position() + 8);
                case 2 -> {
                    int n = length();
                    buf.position(buf.position() + n);
                }
                case 5 -> buf.position(buf.position() + 4);
                default -> throw new IllegalArgumentException("wire type " + wire);
            }
        }
    }
}
