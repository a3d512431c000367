package dev.modelport.runtime.pickle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zip archives laid out as torch.save lays them out, written by java.util.zip with STORED records. */
final class TestZips {

    static final byte[] FOUR_FLOATS = floats(1, 2, 3, 4);

    private TestZips() {
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** {@code archive/data.pkl}, {@code archive/byteorder}, {@code archive/data/0} = storage, {@code archive/version}. */
    static byte[] torchZip(byte[] pkl, byte[] storage) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", pkl);
        records.put("archive/byteorder", "little".getBytes());
        records.put("archive/data/0", storage);
        records.put("archive/version", "3\n".getBytes());
        return zip(records);
    }

    static byte[] zip(Map<String, byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                ZipEntry e = new ZipEntry(r.getKey());
                e.setMethod(ZipEntry.STORED);
                e.setSize(r.getValue().length);
                e.setCompressedSize(r.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(r.getValue());
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(r.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
