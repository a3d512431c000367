package dev.modelport.runtime.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The zip archive {@code torch.save} writes (PyTorch's miniz-based writer, always with zip64 end
 * records): its central directory read with every offset, size and name checked against the file,
 * without extracting anything. Records are found by name; a record's data offset comes from its
 * local header, so a STORED record (torch.save stores storages uncompressed) can be memory-mapped in
 * place. Small records (data.pkl, byteorder) are read into memory, inflated if compressed, with
 * their size bounded and their CRC checked.
 */
final class TorchZip {

    /** One record: where its local header is, its sizes and how it is stored. */
    record Entry(String name, int method, long crc, long compressedSize, long size, long localOffset) {
    }

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    /** A central directory beyond this is no checkpoint's (a 70B model's has well under 1 MiB). */
    private static final long MAX_CENTRAL_BYTES = 64L << 20;
    static final int STORED = 0;
    static final int DEFLATED = 8;

    private final String file;
    private final FileChannel channel;
    private final long centralStart;
    private final String prefix;
    private final Map<String, Entry> entries;
    private final Map<String, Long> dataOffsets = new HashMap<>();

    private TorchZip(String file, FileChannel channel, long centralStart, String prefix, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.centralStart = centralStart;
        this.prefix = prefix;
        this.entries = entries;
    }

    /** The archive's folder: every record is {@code <prefix>/...} (e.g. {@code pytorch_model/data.pkl}). */
    String prefix() {
        return prefix;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    /** The record {@code <prefix>/<path>}, or null. */
    Entry entry(String path) {
        return entries.get(prefix + "/" + path);
    }

    static TorchZip read(FileChannel channel, long size, String file, PickleLimits limits) throws IOException {
        int tailLength = (int) Math.min(size, 22 + 0xffff);
        ByteBuffer tail = read(channel, size - tailLength, tailLength);
        int eocd = -1;
        for (int p = tailLength - 22; p >= 0; p--) {
            if (tail.getInt(p) == EOCD && p + 22 + (tail.getShort(p + 20) & 0xffff) == tailLength) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw Messages.invalid(file, "is not a complete zip archive: it has no end-of-central-directory record"
                    + " (a truncated download?)");
        }
        long eocdAt = size - tailLength + eocd;
        int disk = tail.getShort(eocd + 4) & 0xffff;
        int cdDisk = tail.getShort(eocd + 6) & 0xffff;
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        long end = eocdAt;
        if (eocdAt >= 20 && readInt(channel, eocdAt - 20) == ZIP64_LOCATOR) {
            ByteBuffer locator = read(channel, eocdAt - 20, 20);
            long z64 = locator.getLong(8);
            if (z64 < 0 || z64 > eocdAt - 20 - 56) {
                throw Messages.invalid(file, "has a zip64 locator that points outside the file");
            }
            ByteBuffer record = read(channel, z64, 56);
            if (record.getInt(0) != ZIP64_EOCD) {
                throw Messages.invalid(file, "has a zip64 locator that points at no zip64 end record");
            }
            long count64 = record.getLong(32);
            long cdSize64 = record.getLong(40);
            long cdOffset64 = record.getLong(48);
            disk |= record.getInt(16);
            cdDisk |= record.getInt(20);
            count = agree(file, count, 0xffff, count64, "record count");
            cdSize = agree(file, cdSize, 0xffffffffL, cdSize64, "central directory size");
            cdOffset = agree(file, cdOffset, 0xffffffffL, cdOffset64, "central directory offset");
            end = z64;
        }
        if (disk != 0 || cdDisk != 0) {
            throw Messages.invalid(file, "is a multi-part zip archive, which is not read");
        }
        if (count < 0 || count > limits.maxZipEntries()) {
            throw Messages.invalid(file, "has " + count + " zip records, over the limit of " + limits.maxZipEntries());
        }
        if (cdSize < 0 || cdOffset < 0 || cdSize > end || cdOffset > end - cdSize || cdSize < count * 46
                || cdSize > MAX_CENTRAL_BYTES) {
            throw Messages.invalid(file, "has a central directory (" + cdSize + " bytes at " + cdOffset
                    + ") that does not fit the file");
        }
        ByteBuffer cd = read(channel, cdOffset, (int) cdSize);
        Map<String, Entry> entries = new LinkedHashMap<>();
        String prefix = null;
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (cd.capacity() - p < 46 || cd.getInt(p) != CENTRAL) {
                throw Messages.invalid(file, "has a damaged central directory at record " + i);
            }
            int flags = cd.getShort(p + 8) & 0xffff;
            int method = cd.getShort(p + 10) & 0xffff;
            long crc = cd.getInt(p + 16) & 0xffffffffL;
            long compressed = cd.getInt(p + 20) & 0xffffffffL;
            long uncompressed = cd.getInt(p + 24) & 0xffffffffL;
            int nameLength = cd.getShort(p + 28) & 0xffff;
            int extraLength = cd.getShort(p + 30) & 0xffff;
            int commentLength = cd.getShort(p + 32) & 0xffff;
            int startDisk = cd.getShort(p + 34) & 0xffff;
            long localOffset = cd.getInt(p + 42) & 0xffffffffL;
            int next = p + 46 + nameLength + extraLength + commentLength;
            if (next > cd.capacity()) {
                throw Messages.invalid(file, "has a damaged central directory at record " + i);
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(p + 46, nameBytes);
            String name = name(file, nameBytes, (flags & 0x800) != 0);
            // zip64 extra field: the saturated sizes and offset, in this order
            int x = p + 46 + nameLength;
            int xEnd = x + extraLength;
            while (x + 4 <= xEnd) {
                int id = cd.getShort(x) & 0xffff;
                int length = cd.getShort(x + 2) & 0xffff;
                if (x + 4 + length > xEnd) {
                    throw Messages.invalid(file, "has a damaged extra field in record '" + Messages.clean(name) + "'");
                }
                if (id == 0x0001) {
                    int f = x + 4;
                    int fEnd = f + length;
                    if (uncompressed == 0xffffffffL) {
                        uncompressed = field64(file, cd, f, fEnd, name);
                        f += 8;
                    }
                    if (compressed == 0xffffffffL) {
                        compressed = field64(file, cd, f, fEnd, name);
                        f += 8;
                    }
                    if (localOffset == 0xffffffffL) {
                        localOffset = field64(file, cd, f, fEnd, name);
                    }
                }
                x += 4 + length;
            }
            if ((flags & 0x41) != 0) {
                throw Messages.invalid(file, "has an encrypted record '" + Messages.clean(name) + "'");
            }
            if (method != STORED && method != DEFLATED) {
                throw Messages.invalid(file, "stores record '" + Messages.clean(name) + "' with zip method " + method
                        + " (only stored and deflated records are read)");
            }
            if (startDisk != 0 || uncompressed < 0 || compressed < 0 || localOffset < 0 || localOffset > cdOffset - 30
                    || compressed > cdOffset - localOffset - 30 || (method == STORED && compressed != uncompressed)) {
                throw Messages.invalid(file, "has record '" + Messages.clean(name) + "' whose sizes or offset ("
                        + compressed + " bytes at " + localOffset + ") do not fit the file");
            }
            int slash = name.indexOf('/');
            String top = slash < 0 ? name : name.substring(0, slash);
            if (prefix == null) {
                prefix = top;
            }
            if (slash < 0 || !top.equals(prefix)) {
                throw Messages.invalid(file, "has record '" + Messages.clean(name) + "' outside the archive's folder '"
                        + Messages.clean(prefix) + "/'");
            }
            if (entries.put(name, new Entry(name, method, crc, compressed, uncompressed, localOffset)) != null) {
                throw Messages.invalid(file, "has two records named '" + Messages.clean(name) + "'");
            }
            p = next;
        }
        if (prefix == null) {
            throw Messages.invalid(file, "is an empty zip archive");
        }
        return new TorchZip(file, channel, cdOffset, prefix, Collections.unmodifiableMap(entries));
    }

    private static long agree(String file, long value32, long saturated, long value64, String what) {
        if (value32 != saturated && value32 != value64) {
            throw Messages.invalid(file, "has a zip " + what + " that its zip64 record contradicts");
        }
        return value64;
    }

    private static long field64(String file, ByteBuffer cd, int at, int end, String name) {
        if (at + 8 > end) {
            throw Messages.invalid(file, "has a short zip64 field in record '" + Messages.clean(name) + "'");
        }
        return cd.getLong(at);
    }

    /**
     * A record name as torch writes it ({@code <archive>/data.pkl}, {@code <archive>/data/0}); a
     * name that climbs out of the archive (absolute, {@code ..}, a backslash, a drive) is refused as
     * unsafe even though nothing is ever extracted.
     */
    private static String name(String file, byte[] bytes, boolean utf8) {
        String name;
        if (utf8) {
            try {
                name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw Messages.invalid(file, "has a record name that is not valid UTF-8");
            }
        } else {
            name = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        if (name.isEmpty()) {
            throw Messages.invalid(file, "has a record with an empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw Messages.invalid(file, "has a record name with control characters ('" + Messages.clean(name) + "')");
            }
        }
        boolean escapes = name.startsWith("/") || name.contains("\\") || (name.length() > 1 && name.charAt(1) == ':')
                || Arrays.stream(name.split("/", -1)).anyMatch(s -> s.equals("..") || s.equals("."));
        if (escapes) {
            throw Messages.unsafe(file, "its zip archive has a record named '" + Messages.clean(name)
                    + "', a path that climbs out of the archive");
        }
        if (name.contains("//") || name.endsWith("/")) {
            throw Messages.invalid(file, "has a record name with an empty path segment ('" + Messages.clean(name) + "')");
        }
        return name;
    }

    /** Where the record's bytes start in the file, from its local header (checked against the central one). */
    long dataOffset(Entry e) throws IOException {
        Long known = dataOffsets.get(e.name());
        if (known != null) {
            return known;
        }
        ByteBuffer local = read(channel, e.localOffset(), 30);
        if (local.getInt(0) != LOCAL) {
            throw Messages.invalid(file, "has no local header for record '" + Messages.clean(e.name()) + "'");
        }
        int nameLength = local.getShort(26) & 0xffff;
        int extraLength = local.getShort(28) & 0xffff;
        long data = e.localOffset() + 30 + nameLength + extraLength;
        if (data > centralStart || e.compressedSize() > centralStart - data) {
            throw Messages.invalid(file, "has record '" + Messages.clean(e.name()) + "' whose data runs past the end of its area");
        }
        byte[] localName = new byte[nameLength];
        read(channel, e.localOffset() + 30, nameLength).get(0, localName);
        if (!new String(localName, StandardCharsets.UTF_8).equals(e.name())
                && !new String(localName, StandardCharsets.ISO_8859_1).equals(e.name())) {
            throw Messages.invalid(file, "has record '" + Messages.clean(e.name()) + "' whose local header names another file");
        }
        dataOffsets.put(e.name(), data);
        return data;
    }

    /** A small record's bytes, inflated if compressed, at most {@code maxBytes}, CRC checked. */
    byte[] readSmall(Entry e, int maxBytes) throws IOException {
        if (e.size() > maxBytes || e.compressedSize() > maxBytes + 1024L) {
            throw Messages.invalid(file, "has record '" + Messages.clean(e.name()) + "' of " + e.size()
                    + " bytes, over the limit of " + maxBytes);
        }
        long at = dataOffset(e);
        byte[] out;
        if (e.method() == STORED) {
            out = new byte[(int) e.size()];
            read(channel, at, out.length).get(0, out);
        } else {
            out = inflate(e, read(channel, at, (int) e.compressedSize()));
        }
        CRC32 crc = new CRC32();
        crc.update(out);
        if (crc.getValue() != e.crc()) {
            throw Messages.invalid(file, "has record '" + Messages.clean(e.name()) + "' whose CRC does not match its bytes");
        }
        return out;
    }

    private byte[] inflate(Entry e, ByteBuffer compressed) {
        byte[] input = new byte[compressed.capacity()];
        compressed.get(0, input);
        byte[] out = new byte[(int) e.size()];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0) {
                    break; // needs input it does not have, or a dictionary: the stream is cut short
                }
                n += got;
            }
            // one more byte of room would be filled if the stream held more than it declared
            byte[] probe = new byte[1];
            if (n != out.length || (!inflater.finished() && inflater.inflate(probe) > 0)) {
                throw Messages.invalid(file, "has compressed record '" + Messages.clean(e.name())
                        + "' that does not inflate to its declared " + e.size() + " bytes");
            }
            return out;
        } catch (DataFormatException ex) {
            throw Messages.invalid(file, "has compressed record '" + Messages.clean(e.name()) + "' that is not valid deflate data");
        } finally {
            inflater.end();
        }
    }

    private static int readInt(FileChannel channel, long at) throws IOException {
        return read(channel, at, 4).getInt(0);
    }

    /** {@code length} bytes at {@code at}, little-endian; the caller has checked that they lie in the file. */
    static ByteBuffer read(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (at + b.position()));
            }
        }
        return b.clear();
    }
}
