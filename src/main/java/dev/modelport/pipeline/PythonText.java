package dev.modelport.pipeline;

/** Python's {@code str.strip()}, {@code lstrip()} and {@code rstrip()}: whitespace as {@code str.isspace()} counts it. */
final class PythonText {
    private PythonText() {
    }

    /** Python's str.isspace() for one code point (Java's isWhitespace lacks the no-break spaces and U+0085). */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || c == 0x85 || c == 0xA0 || c == 0x2007 || c == 0x202F;
    }

    static String strip(String s) {
        return rstrip(lstrip(s));
    }

    static String lstrip(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        return s.substring(i);
    }

    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(0, end);
    }
}
