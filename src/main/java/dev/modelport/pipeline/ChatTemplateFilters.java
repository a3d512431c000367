package dev.modelport.pipeline;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Jinja2's own versions of the filters chat templates use where Jinjava's differ: {@code tojson}
 * (transformers' {@code json.dumps}), {@code trim} (Python's strip: Unicode whitespace),
 * {@code title} (Jinja2 capitalizes the first character of each word split at spaces, dashes
 * and brackets) and {@code length} (code points, not UTF-16 units); and the test
 * {@code is iterable}, true for strings in Python (Llama 3.1 prints a tool result that is a
 * string through {@code tojson} because of it).
 */
final class ChatTemplateFilters {

    private static final Pattern WORD_BEGINNING = Pattern.compile("(?<=[-\\s({\\[<])(?=[^-\\s({\\[<])|(?<=[^-\\s({\\[<])(?=[-\\s({\\[<])");

    private ChatTemplateFilters() {
    }

    static List<Filter> all() {
        return List.of(new ToJson(), new Trim(), new Title(), new Length("length"), new Length("count"));
    }

    static ExpTest iterable() {
        return new ExpTest() {
            @Override
            public String getName() {
                return "iterable";
            }

            @Override
            public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
                return var instanceof CharSequence || var instanceof Iterable<?> || var instanceof Map<?, ?>
                        || var instanceof Object[];
            }
        };
    }

    /** transformers' tojson: json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=sort_keys). */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return ChatTemplateJson.dumps(var, args.length > 0 && args[0] != null ? Integer.valueOf(args[0]) : null, false);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Integer spaces = indent == null ? null : Integer.valueOf(indent.toString().replaceAll("\\.0$", ""));
            return ChatTemplateJson.dumps(var, spaces, Boolean.TRUE.equals(kwargs.get("sort_keys")));
        }
    }

    private static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return "";
            }
            return ChatTemplatePythonMethods.strip(var.toString(), args.length > 0 ? args[0] : null, true, true);
        }
    }

    private static final class Title implements Filter {
        @Override
        public String getName() {
            return "title";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            for (String item : WORD_BEGINNING.split(var.toString())) {
                if (!item.isEmpty()) {
                    int first = item.codePointAt(0);
                    int rest = Character.charCount(first);
                    out.append(new String(Character.toChars(first)).toUpperCase(java.util.Locale.ROOT))
                            .append(item.substring(rest).toLowerCase(java.util.Locale.ROOT));
                }
            }
            return out.toString();
        }
    }

    private static final class Length implements Filter {
        private final String name;

        Length(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return 0L;
            }
            if (var instanceof CharSequence s) {
                return (long) s.toString().codePointCount(0, s.length());
            }
            if (var instanceof Collection<?> c) {
                return (long) c.size();
            }
            if (var instanceof Map<?, ?> m) {
                return (long) m.size();
            }
            if (var instanceof Object[] a) {
                return (long) a.length;
            }
            if (var instanceof Iterable<?> it) {
                long n = 0;
                for (Object ignored : it) {
                    n++;
                }
                return n;
            }
            return 0L;
        }
    }
}
