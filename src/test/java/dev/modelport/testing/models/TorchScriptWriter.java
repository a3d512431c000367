package dev.modelport.testing.models;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive by hand, as {@code torch.jit.save} lays it out: a zip of
 * {@code code/__torch__.py} (the module's TorchScript source, compiled by libtorch on load),
 * {@code data.pkl} (the pickled module object), {@code constants.pkl} and {@code version}. Without
 * Python torch on the machine this is the only way to get a real TorchScript file for tests.
 */
public final class TorchScriptWriter {

    private TorchScriptWriter() {
    }

    /**
     * A parameter-free module whose forward is the given TorchScript body.
     *
     * @param signature the forward's parameters after {@code self}, e.g. {@code "input_ids: Tensor"}
     * @param returnType e.g. {@code "Tuple[Tensor, Tensor]"}
     * @param body statements, each on its own line, indented by the writer
     */
    public static void write(Path file, String signature, String returnType, String body) {
        String className = "TinyModule";
        StringBuilder code = new StringBuilder();
        code.append("class ").append(className).append("(Module):\n");
        code.append("  __parameters__ = []\n");
        code.append("  __buffers__ = []\n");
        code.append("  training : bool\n");
        code.append("  def forward(self: __torch__.").append(className).append(",\n    ").append(signature)
                .append(") -> ").append(returnType).append(":\n");
        for (String line : body.split("\n")) {
            code.append("    ").append(line).append('\n');
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", moduleObjectPickle(className));
        entries.put("code/__torch__.py", code.toString().getBytes(StandardCharsets.UTF_8));
        entries.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry("archive/" + e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pickle protocol 2 of {@code __torch__.<className>()} with {@code training = False}. */
    private static byte[] moduleObjectPickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x89); // NEWFALSE
        p.write('s'); // SETITEM
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }
}
