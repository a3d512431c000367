package dev.modelport.runtime.script;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive as {@code torch.jit.save} lays it out, written by Java: the modules' code
 * under {@code code/__torch__/}, the pickled root object ({@code data.pkl}), an empty
 * {@code constants.pkl} and {@code .data/version}. libtorch compiles the code when it loads the
 * archive. The root object is built with each attribute at its initial value: {@code training}
 * false and every other attribute None, which is why a root module's attributes must all be
 * {@code Optional[...]} (they are filled by the program's own methods once the weights are in).
 */
public final class ScriptArchive {

    /** File format 10: the newest libtorch 2.7.1 reads, so no operator upgrader rewrites our calls. */
    private static final String FORMAT_VERSION = "10\n";
    private static final Pattern ATTRIBUTE = Pattern.compile("^    (\\w+) : (.+)$");

    private ScriptArchive() {
    }

    /**
     * @param rootModule the module holding the root class, e.g. {@code program}
     * @param rootClass e.g. {@code Program}; a {@code Module} whose attributes are all Optional
     * @param sources every module the program references, the root module included
     */
    public static byte[] build(String rootModule, String rootClass, List<ProgramSource> sources) {
        ProgramSource root = sources.stream().filter(s -> s.module().equals(rootModule)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no source for the root module " + rootModule));
        byte[] data = RootPickle.of("__torch__." + rootModule, rootClass, optionalAttributes(root.text(), rootClass));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "data.pkl", data);
            for (ProgramSource source : sources) {
                put(zip, source.entryName(), source.compiled().getBytes(StandardCharsets.UTF_8));
            }
            put(zip, "constants.pkl", RootPickle.emptyTuple());
            put(zip, ".data/version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The attributes declared in {@code class <rootClass>(Module):} before its first method. */
    static List<String> optionalAttributes(String source, String rootClass) {
        String header = "class " + rootClass + "(Module):";
        if (!source.contains("\n" + header) && !source.startsWith(header)) {
            throw new IllegalArgumentException("no " + header + " in the root module");
        }
        List<String> names = new ArrayList<>();
        boolean inClass = false;
        for (String line : source.split("\n")) {
            if (line.startsWith("class ")) {
                inClass = line.startsWith(header);
                continue;
            }
            if (!inClass) {
                continue;
            }
            if (line.startsWith("    def ")) {
                break;
            }
            Matcher m = ATTRIBUTE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(1);
            String type = m.group(2).trim();
            if (name.equals("training") || name.startsWith("__")) {
                continue;
            }
            if (!type.startsWith("Optional[")) {
                throw new IllegalArgumentException("attribute " + name + " of " + rootClass
                        + " is " + type + "; a program's root attributes must be Optional (they start as None)");
            }
            names.add(name);
        }
        return names;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        // stored, not deflated: libtorch's reader memory-maps records and expects them uncompressed
        ZipEntry entry = new ZipEntry("archive/" + name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
