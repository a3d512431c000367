package dev.modelport.pipeline;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the Jinja2 forms Jinjava parses differently into forms both read the same way. Jinja2
 * binds {@code not} looser than {@code is} and {@code in} ({@code not tools is defined} means
 * {@code not (tools is defined)}); Jinjava applies {@code not} to the operand first. Inside tags,
 * {@code not X is T} becomes {@code X is not T} and {@code not X in Y} becomes {@code X not in Y}.
 * Also drops the one trailing newline Jinja2 ignores (keep_trailing_newline=False).
 */
final class ChatTemplateSyntax {

    private static final Pattern TAG = Pattern.compile("\\{[{%].*?[}%]}", Pattern.DOTALL);
    private static final String OPERAND =
            "'[^']*'|\"[^\"]*\"|[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*|\\[[^\\]\\[]*])*";
    /** A string literal (left alone, so prose inside it is never rewritten) or a negated is/in. */
    private static final Pattern LITERAL_OR_NOT_IS_IN = Pattern.compile(
            "'[^']*'|\"[^\"]*\"|(?<![\\w.])not\\s+(" + OPERAND + ")\\s+(is|in)(?=\\s)");

    private ChatTemplateSyntax() {
    }

    static String toJinjava(String template) {
        String source = template.endsWith("\r\n") ? template.substring(0, template.length() - 2)
                : template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        Matcher tags = TAG.matcher(source);
        StringBuilder out = new StringBuilder(source.length());
        while (tags.find()) {
            tags.appendReplacement(out, Matcher.quoteReplacement(rewriteTag(tags.group())));
        }
        tags.appendTail(out);
        return out.toString();
    }

    private static String rewriteTag(String tag) {
        Matcher m = LITERAL_OR_NOT_IS_IN.matcher(tag);
        StringBuilder out = new StringBuilder(tag.length());
        while (m.find()) {
            String replacement = m.group(1) == null ? m.group()
                    : m.group(2).equals("is") ? m.group(1) + " is not" : m.group(1) + " not in";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
