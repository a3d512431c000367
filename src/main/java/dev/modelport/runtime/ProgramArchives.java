package dev.modelport.runtime;

import dev.modelport.runtime.script.ProgramSource;
import dev.modelport.runtime.script.ScriptArchive;
import java.util.ArrayList;
import java.util.List;

/**
 * The archive of a model's program: programs/program.py (the root module), nn.py (shared blocks),
 * the family's modules, and {@code entry.py}: the family's build function under its kind's name,
 * None under the other kind's.
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
        return ScriptArchive.build("program", "Program", sources);
    }

    private static ProgramSource entry(ProgramConfig config) {
        StringBuilder text = new StringBuilder();
        for (ProgramKind kind : ProgramKind.values()) {
            String body = kind == config.kind() ? "__torch__." + config.entryModule() + ".build(w, config)" : "None";
            text.append("def ").append(kind.entryFunction()).append("(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> ")
                    .append("Optional[").append(kind.modelType()).append("]:\n    return ").append(body).append("\n\n\n");
        }
        return new ProgramSource("entry", text.toString());
    }
}
