package dev.modelport.pipeline;

/**
 * GPT-2's byte-level alphabet ({@code bytes_to_unicode}): every byte has a printable character;
 * bytes that are printable Latin-1 already stand for themselves, the others (space, control
 * bytes...) take the characters from U+0100 on, in byte order. A space is "Ġ" (U+0120).
 */
final class ByteLevelAlphabet {
    /** byteOf[c] = the byte the character c stands for, -1 when c is not in the alphabet. */
    private static final int[] BYTE_OF = new int[0x200];

    static {
        java.util.Arrays.fill(BYTE_OF, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_OF[printable ? b : 0x100 + extra++] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The byte the code point stands for, or -1 when it is not a byte-level character. */
    static int byteOf(int codePoint) {
        return codePoint >= 0 && codePoint < BYTE_OF.length ? BYTE_OF[codePoint] : -1;
    }
}
