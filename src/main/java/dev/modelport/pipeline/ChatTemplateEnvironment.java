package dev.modelport.pipeline;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import jinjava.javax.el.CompositeELResolver;

import java.time.LocalDateTime;

/**
 * A Jinjava set up to render chat templates as transformers' Jinja2 environment does
 * ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} with loop controls,
 * {@code raise_exception}, {@code strftime_now} and a {@code json.dumps} {@code tojson}), plus
 * the Python str methods templates call on values ({@link ChatTemplatePythonMethods}), Jinja2's
 * filters ({@link ChatTemplateFilters}) and syntax ({@link ChatTemplateSyntax}).
 */
final class ChatTemplateEnvironment {

    private ChatTemplateEnvironment() {
    }

    static Jinjava jinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new ChatTemplatePythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder()
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withAllowAdjacentTextNodes(true)
                .withKeepNullableLoopValues(true)
                .withHandleBackslashInQuotesOnly(true)
                .withEvaluateMapKeys(true)
                .build();
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withLegacyOverrides(jinja2)
                .build());
        var context = jinjava.getGlobalContext();
        context.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplateEnvironment.class,
                "raiseException", String.class));
        context.registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplateEnvironment.class,
                "strftimeNow", String.class));
        ChatTemplateFilters.all().forEach(context::registerFilter);
        context.registerExpTest(ChatTemplateFilters.iterable());
        return jinjava;
    }

    /** Called by templates that refuse a conversation (e.g. roles out of order). */
    public static String raiseException(String message) {
        throw new ModelportException(ErrorCode.INVALID_INPUT, "The chat template refused the messages: " + message);
    }

    /** Python's {@code datetime.now().strftime(format)}, for templates that print today's date. */
    public static String strftimeNow(String format) {
        return ChatTemplateStrftime.format(LocalDateTime.now(), format);
    }

    static boolean failed(RenderResult result) {
        return result.getErrors().stream().anyMatch(e -> e.getSeverity() == TemplateError.ErrorType.FATAL);
    }

    static String firstFatal(RenderResult result) {
        return result.getErrors().stream().filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .map(TemplateError::getMessage).findFirst().orElse("unknown error");
    }
}
