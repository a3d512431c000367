package dev.modelport.pipeline;

/**
 * A text indexed as Python indexes a {@code str}: by code point. The tokenizer's character offsets,
 * and the {@code start}/{@code end} that transformers' pipelines answer, count code points; a Java
 * string counts UTF-16 units, two for a character outside the BMP (an emoji). Slicing through this
 * class keeps the two apart.
 */
final class CodePointText {
    private final String text;
    /** utf16[cp] = the UTF-16 index of code point cp; utf16[length] = text.length(). */
    private final int[] utf16;

    CodePointText(String text) {
        this.text = text;
        int count = text.codePointCount(0, text.length());
        utf16 = new int[count + 1];
        int unit = 0;
        for (int cp = 0; cp < count; cp++) {
            utf16[cp] = unit;
            unit += Character.charCount(text.codePointAt(unit));
        }
        utf16[count] = text.length();
    }

    /** The length in code points ({@code len(text)} in Python). */
    int length() {
        return utf16.length - 1;
    }

    /** {@code text[start:end]} with Python's semantics for non-negative indices: clamped, empty when end <= start. */
    String slice(int start, int end) {
        int from = clamp(start);
        int to = clamp(end);
        return to <= from ? "" : text.substring(utf16[from], utf16[to]);
    }

    /** The UTF-16 index of a code-point index (clamped to the text). */
    int utf16Index(int codePoint) {
        return utf16[clamp(codePoint)];
    }

    private int clamp(int index) {
        return Math.min(Math.max(index, 0), length());
    }
}
