package dev.modelport.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a memory scenario in a JVM of its own and prints what it measured, one {@code key value}
 * per line. The JVM is started with a small, pre-touched heap, so its RSS changes come from native
 * memory (weights, tensors, mappings) rather than from the garbage collector touching fresh heap
 * pages, which in a shared test JVM can add a hundred megabytes that no leak explains.
 */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path repo = Path.of(args[1]);
        ModelRuntime runtime = new DjlModelRuntime(1);
        ModelSpec spec = runtime.inspect(repo.resolve("config.json"));
        LoadOptions options = new LoadOptions("cpu", "float32");
        EncoderBatch batch = new EncoderBatch(new long[][] {{2, 10, 11, 12, 3, 0}, {2, 13, 14, 15, 16, 3}},
                new long[][] {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 1, 1}}, null);
        switch (scenario) {
            case "load-cycles" -> {
                print("rss.before", settledRss());
                for (int i = 1; i <= 21; i++) {
                    try (EncoderModel model = (EncoderModel) runtime.load(repo, spec, options)) {
                        model.forward(batch);
                        if (i == 1) {
                            print("model.bytes", model.memoryBytes());
                            print("rss.loaded", rss());
                        }
                    }
                    print("rss.cycle." + i, settledRss());
                }
            }
            case "forwards" -> {
                try (EncoderModel model = (EncoderModel) runtime.load(repo, spec, options)) {
                    ScriptModel script = (ScriptModel) model;
                    print("arrays.before", script.program.liveArrays());
                    for (int i = 1; i <= 10_000; i++) {
                        model.forward(batch);
                        if (i % 10 == 0) {
                            model.hiddenStates(batch);
                        }
                        if (i % 1_000 == 0) {
                            print("rss.forward." + i, settledRss());
                        }
                    }
                    print("arrays.after", script.program.liveArrays());
                }
            }
            case "resident" -> {
                // args: repo dtype warm-up-repo. The engine and a first program (its compiler, oneDNN)
                // cost the process ~27 MB once; a tiny model loaded and closed first takes that out
                // of the difference, which is then the model's own
                Path warmUp = Path.of(args[3]);
                runtime.load(warmUp, runtime.inspect(warmUp.resolve("config.json")), new LoadOptions("cpu", args[2])).close();
                print("rss.before", settledRss());
                try (LoadedModel model = runtime.load(repo, spec, new LoadOptions("cpu", args[2]))) {
                    print("model.bytes", model.memoryBytes());
                    print("rss.loaded", settledRss());
                }
            }
            default -> throw new IllegalArgumentException(scenario);
        }
    }

    /** Runs a scenario in a child JVM and returns what it printed. */
    public static Map<String, Long> run(String scenario, Path repo, String... more) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), MemoryProbe.class.getName(), scenario, repo.toString()));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new AssertionError("memory probe failed:\n" + output);
        }
        Map<String, Long> values = new TreeMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("PROBE ")) {
                String[] parts = line.split(" ");
                values.put(parts[1], Long.parseLong(parts[2].trim()));
            }
        }
        return values;
    }

    private static void print(String key, long value) {
        System.out.println("PROBE " + key + " " + value);
    }

    private static long settledRss() throws IOException, InterruptedException {
        // closed models' file mappings are released when their buffers are collected, by the
        // cleaner thread shortly after the collection
        System.gc();
        Thread.sleep(300);
        return rss();
    }

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
