package dev.modelport.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Python virtual environment with the clients people use against Modelport, installed from the
 * machine's package index ({@code pip install --retries 0}: an unreachable public index is not waited
 * for). {@link #prepare} says what is missing instead of failing: the Java suite must pass without Python.
 */
final class PythonClients {
    /** Every client script needs these (huggingface_hub answers embeddings as numpy arrays). */
    static final List<String> REQUIRED = List.of("requests", "openai", "huggingface_hub", "numpy");
    /** Installed when the index has them (and their dependencies); a script prints SKIP for a client that is not. */
    static final List<String> OPTIONAL = List.of("langchain-openai", "langchain-huggingface");

    private final Path python;
    private final List<String> missing;

    private PythonClients(Path python, List<String> missing) {
        this.python = python;
        this.missing = missing;
    }

    /** The venv's interpreter and what could not be installed; or why there is none (no python3, no venv, no index). */
    record Outcome(Optional<PythonClients> clients, String whyNot) {
    }

    static Outcome prepare(Path venv) throws InterruptedException {
        Run version = run(List.of("python3", "--version"), 30);
        if (version.exit != 0) {
            return new Outcome(Optional.empty(), "python3 is not on the PATH (" + version.lastLines() + ")");
        }
        Path python = venv.resolve("bin/python").toAbsolutePath();
        if (!Files.isExecutable(python)) {
            Run created = run(List.of("python3", "-m", "venv", venv.toAbsolutePath().toString()), 120);
            if (created.exit != 0 || !Files.isExecutable(python)) {
                return new Outcome(Optional.empty(), "python3 cannot make a virtual environment (Debian: apt-get install"
                        + " python3-venv): " + created.lastLines());
            }
        }
        List<String> install = new ArrayList<>(List.of(python.toString(), "-m", "pip", "install", "-q", "--retries", "0",
                "--timeout", "30"));
        install.addAll(REQUIRED);
        Run required = run(install, 600);
        if (required.exit != 0) {
            return new Outcome(Optional.empty(), "pip cannot install " + REQUIRED + " from the package index: "
                    + required.lastLines());
        }
        List<String> missing = new ArrayList<>();
        for (String optional : OPTIONAL) {
            Run r = run(List.of(python.toString(), "-m", "pip", "install", "-q", "--retries", "0", "--timeout", "30",
                    optional), 600);
            if (r.exit != 0) {
                missing.add(optional + " (" + r.errorLine() + ")");
            }
        }
        return new Outcome(Optional.of(new PythonClients(python, missing)), null);
    }

    /** Optional clients pip could not install, with pip's reason. */
    List<String> missing() {
        return missing;
    }

    /** Runs one client script with {@code env}; its output and exit status. */
    Run script(Path script, Map<String, String> env, long timeoutSeconds) throws InterruptedException {
        return run(List.of(python.toString(), script.toAbsolutePath().toString()), timeoutSeconds, env);
    }

    record Run(int exit, String output) {
        /** pip's last ERROR line (its reason), else the last line. */
        String errorLine() {
            List<String> lines = output.strip().lines().toList();
            return lines.reversed().stream().filter(l -> l.startsWith("ERROR")).findFirst()
                    .orElse(lines.isEmpty() ? "" : lines.getLast());
        }

        String lastLines() {
            String[] lines = output.strip().split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
        }
    }

    private static Run run(List<String> command, long timeoutSeconds) throws InterruptedException {
        return run(command, timeoutSeconds, Map.of());
    }

    private static Run run(List<String> command, long timeoutSeconds, Map<String, String> env) throws InterruptedException {
        Path out;
        try {
            out = Files.createTempFile("python-clients", ".log");
        } catch (IOException e) {
            return new Run(-1, "cannot make a temp file: " + e.getMessage());
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            pb.environment().put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
            pb.environment().put("HF_HUB_DISABLE_TELEMETRY", "1");
            pb.environment().put("PYTHONUNBUFFERED", "1");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new Run(-1, e.getMessage());
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Run(-1, read(out) + "\n(killed after " + timeoutSeconds + " s)");
            }
            return new Run(p.exitValue(), read(out));
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
