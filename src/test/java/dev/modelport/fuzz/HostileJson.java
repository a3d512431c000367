package dev.modelport.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Random request bodies, most of them hostile: well-formed JSON with the fields an endpoint knows but
 * values of the wrong type, size or encoding; deep nesting; numbers no type can hold; malformed text.
 * Every value comes from the {@link Random} given, so a seed reproduces a failing case.
 */
public final class HostileJson {
    /** Field names the endpoints read, so bodies get past "unknown field" and into the handlers. */
    static final List<String> FIELDS = List.of("model_id", "revision", "deployment_id", "task", "device", "dtype",
            "max_batch_size", "max_batch_delay_ms", "dedicated_port", "inputs", "text", "texts", "parameters",
            "top_k", "function_to_apply", "aggregation_strategy", "question", "context", "source_sentence",
            "sentences", "pooling", "max_new_tokens", "temperature", "top_p", "seed", "stop", "model", "input",
            "prompt", "messages", "role", "content", "stream", "encoding_format");

    private static final List<String> HOSTILE_STRINGS = List.of("", " ", "../../etc/passwd", "..\\..\\windows\\win.ini",
            "/etc/passwd", "%2e%2e%2f%2e%2e%2f", "models--x--y/../../..", "C:\\", "\u0000", "a\u0000b", "\ud83d\ude00",
            "\u202e\u0644\u0627", "\ufeff", "\\ud800", "[MASK]", "<script>alert(1)</script>", "' OR 1=1 --",
            "${jndi:ldap://127.0.0.1/a}", "#{7*7}", "null", "NaN", "-Infinity", "text-classification", "gpu:99999",
            "gpu:-1", "auto", "cpu", "bfloat16", "main", "refs/pr/1", "test-org/tiny-bert-sentiment",
            "test-org/does-not-exist", "a/b/c", "x".repeat(300));

    /** JSON escapes that decode to what no valid text holds: lone surrogates, NUL. */
    private static final List<String> RAW_STRINGS = List.of("\"\\ud800\"", "\"\\udfff\\ud800x\"", "\"\\u0000\"",
            "\"\\uFFFF\\uFFFE\"");

    private static final List<String> HOSTILE_NUMBERS = List.of("0", "-0", "-1", "1", "2147483648", "-2147483649",
            "9223372036854775808", "123456789012345678901234567890123456789", "1e309", "-1e309", "1e-400", "0.5",
            "3.4028235E39", "1E+2147483647", "16", "1024");

    private final Random random;

    public HostileJson(Random random) {
        this.random = random;
    }

    /** One body: mostly objects of known fields, some arbitrary JSON, some not JSON at all. */
    public String body() {
        int kind = random.nextInt(20);
        if (kind < 11) {
            return knownFields(0);
        }
        if (kind < 14) {
            return value(0);
        }
        if (kind < 16) {
            return deepNesting();
        }
        if (kind < 17) {
            return "{\"inputs\": \"" + longText() + "\"}";
        }
        return malformed();
    }

    /** An id for a path segment: traversal, encodings, odd characters. */
    public String pathSegment() {
        return switch (random.nextInt(6)) {
            case 0 -> "..";
            case 1 -> "%2e%2e%2fetc%2fpasswd";
            case 2 -> "a%00b";
            case 3 -> "x".repeat(1 + random.nextInt(400));
            case 4 -> "%F0%9F%98%80%E2%80%AE";
            default -> String.valueOf(random.nextLong());
        };
    }

    private String knownFields(int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quote(FIELDS.get(random.nextInt(FIELDS.size())))).append(':');
            b.append(depth < 2 && random.nextInt(4) == 0 ? knownFields(depth + 1) : value(depth + 1));
        }
        return b.append('}').toString();
    }

    private String value(int depth) {
        int kind = random.nextInt(depth > 3 ? 5 : 8);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> HOSTILE_NUMBERS.get(random.nextInt(HOSTILE_NUMBERS.size()));
            case 3 -> quote(HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size())));
            case 4 -> random.nextInt(4) == 0 ? RAW_STRINGS.get(random.nextInt(RAW_STRINGS.size()))
                    : quote(randomText(random.nextInt(64)));
            case 5 -> {
                StringBuilder b = new StringBuilder("[");
                int n = random.nextInt(random.nextInt(10) == 0 ? 300 : 5);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "," : "").append(value(depth + 1));
                }
                yield b.append(']').toString();
            }
            case 6 -> knownFields(depth + 1);
            default -> "{" + quote(randomText(8)) + ":" + value(depth + 1) + "}";
        };
    }

    private String deepNesting() {
        int depth = 500 + random.nextInt(5000);
        String open = random.nextBoolean() ? "[" : "{\"inputs\":";
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + "1" + close.repeat(depth);
    }

    private String longText() {
        return "a".repeat(90_000 + random.nextInt(30_000));
    }

    private String malformed() {
        String valid = knownFields(0);
        return switch (random.nextInt(6)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid + "}}garbage";
            case 2 -> "\ufeff" + valid;
            case 3 -> "";
            case 4 -> "{'single': 'quotes', trailing: [1,2,],}";
            default -> randomText(1 + random.nextInt(200));
        };
    }

    /** Any code points, including controls, surrogate pairs and right-to-left marks. */
    private String randomText(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int range = random.nextInt(4);
            int cp = switch (range) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0x800);
                case 2 -> 0x10000 + random.nextInt(0x1000);
                default -> 0x2000 + random.nextInt(0x100);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** A JSON string literal; control characters escaped, everything else raw UTF-8. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
