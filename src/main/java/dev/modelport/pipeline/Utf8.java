package dev.modelport.pipeline;

import java.util.Optional;

/**
 * UTF-8 bytes to text the way Rust's {@code String::from_utf8} and {@code String::from_utf8_lossy}
 * do it (the tokenizers' decoders use them): the lossy form puts one U+FFFD for each maximal
 * invalid subsequence. Java's own decoder differs on some inputs (an encoded surrogate {@code ED A0 80}
 * is one U+FFFD in Java, three in Rust and Python), so the words decoded from byte pieces would too.
 */
final class Utf8 {
    private static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    static String lossy(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int length = validLength(bytes, i);
            if (length > 0) {
                out.appendCodePoint(codePoint(bytes, i, length));
                i += length;
            } else {
                out.append(REPLACEMENT);
                i -= length;
            }
        }
        return out.toString();
    }

    /** The text, or empty when the bytes are not valid UTF-8. */
    static Optional<String> strict(byte[] bytes) {
        for (int i = 0; i < bytes.length; ) {
            int length = validLength(bytes, i);
            if (length < 0) {
                return Optional.empty();
            }
            i += length;
        }
        return Optional.of(lossy(bytes));
    }

    /**
     * The length of the valid character at {@code i}, or minus the length of the invalid
     * subsequence there (Rust's {@code core::str::run_utf8_validation}: the lead byte fixes the
     * width and the allowed range of the second byte; a missing or wrong continuation ends it).
     */
    private static int validLength(byte[] b, int i) {
        int first = b[i] & 0xFF;
        if (first < 0x80) {
            return 1;
        }
        int width;
        int secondLow = 0x80;
        int secondHigh = 0xBF;
        if (first >= 0xC2 && first <= 0xDF) {
            width = 2;
        } else if (first >= 0xE0 && first <= 0xEF) {
            width = 3;
            if (first == 0xE0) {
                secondLow = 0xA0;   // no overlong forms
            } else if (first == 0xED) {
                secondHigh = 0x9F;  // no surrogates
            }
        } else if (first >= 0xF0 && first <= 0xF4) {
            width = 4;
            if (first == 0xF0) {
                secondLow = 0x90;
            } else if (first == 0xF4) {
                secondHigh = 0x8F;  // nothing above U+10FFFF
            }
        } else {
            return -1;
        }
        for (int k = 1; k < width; k++) {
            if (i + k >= b.length) {
                return -k;
            }
            int next = b[i + k] & 0xFF;
            int low = k == 1 ? secondLow : 0x80;
            int high = k == 1 ? secondHigh : 0xBF;
            if (next < low || next > high) {
                return -k;
            }
        }
        return width;
    }

    private static int codePoint(byte[] b, int i, int length) {
        int first = b[i] & 0xFF;
        if (length == 1) {
            return first;
        }
        int cp = first & (0xFF >> (length + 1));
        for (int k = 1; k < length; k++) {
            cp = (cp << 6) | (b[i + k] & 0x3F);
        }
        return cp;
    }
}
