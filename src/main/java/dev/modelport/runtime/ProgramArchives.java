package dev.modelport.runtime;

import dev.modelport.runtime.script.ProgramSource;
import dev.modelport.runtime.script.ScriptArchive;
import java.util.ArrayList;
import java.util.List;

/**
 * The archive of a model's program: programs/program.py (the root modules), nn.py (shared
 * blocks), the family's modules, and a one-line {@code entry.py} naming the family's build function.
 */
final class ProgramArchives {

    private ProgramArchives() {
    }

    static byte[] build(ProgramConfig config) {
        List<ProgramSource> sources = new ArrayList<>();
        sources.add(ProgramSource.load("program"));
        sources.add(ProgramSource.load("nn"));
        config.modules().forEach(m -> sources.add(ProgramSource.load(m)));
        sources.add(entry(config));
        return ScriptArchive.build("program", config.kind().rootClass(), sources);
    }

    private static ProgramSource entry(ProgramConfig config) {
        ProgramKind kind = config.kind();
        String text = "def " + kind.entryFunction() + "(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> "
                + kind.modelType() + ":\n    return __torch__." + config.entryModule() + ".build(w, config)\n";
        return new ProgramSource("entry", text);
    }
}
