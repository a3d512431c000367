package dev.modelport.runtime;

import java.util.List;
import java.util.Map;

/**
 * A model as its family read config.json: which program runs it and the settings handed to it.
 *
 * @param modules the program files it needs beyond program.py and nn.py, dependencies first
 *     (e.g. {@code bert, roberta}); the last one's {@code build} function builds the model
 * @param values config.json normalised for the program (transformers 4 and 5 names mapped to
 *     one set, defaults filled in), every value a string; the program reads them by name
 */
public record ProgramConfig(ProgramKind kind, List<String> modules, Map<String, String> values, ModelFacts facts) {

    public ProgramConfig {
        modules = List.copyOf(modules);
        values = Map.copyOf(values);
    }

    /** An integer setting the family put in {@link #values}. */
    public int intValue(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("the program config has no " + key);
        }
        return Integer.parseInt(v);
    }

    public boolean boolValue(String key) {
        return "true".equals(values.get(key));
    }

    /** The module whose {@code build(w, config)} makes the model. */
    public String entryModule() {
        return modules.get(modules.size() - 1);
    }
}
