package dev.modelport.runtime.script;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One program file, {@code programs/<module>.py}, as the archive stores it: its classes are
 * {@code __torch__.<module>.<Class>}. The only rewriting is of dtype names into the ScalarType codes
 * serialized TorchScript uses (libtorch's importer does not resolve {@code torch.bfloat16}).
 */
public record ProgramSource(String module, String text) {

    /** c10::ScalarType codes. */
    private static final Map<String, String> DTYPE_CODES = Map.of(
            "uint8", "0", "int8", "1", "int32", "3", "int64", "4", "float16", "5", "float32", "6",
            "float64", "7", "bool", "11", "qint8", "12", "bfloat16", "15");
    private static final Pattern DTYPE_NAME = Pattern.compile("\\btorch\\.(" + String.join("|", DTYPE_CODES.keySet()) + ")\\b");
    private static final String FOLDER = "/dev/modelport/runtime/programs/";

    /** Reads {@code programs/<module>.py} from the classpath. */
    public static ProgramSource load(String module) {
        try (InputStream in = ProgramSource.class.getResourceAsStream(FOLDER + module + ".py")) {
            if (in == null) {
                throw new IllegalStateException("no program " + module + ".py on the classpath");
            }
            return new ProgramSource(module, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text libtorch compiles. */
    String compiled() {
        Matcher m = DTYPE_NAME.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, DTYPE_CODES.get(m.group(1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The archive entry holding this module's code. */
    String entryName() {
        return "code/__torch__/" + module + ".py";
    }
}
