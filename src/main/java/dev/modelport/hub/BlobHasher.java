package dev.modelport.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The running sha256 of an LFS blob, kept across resumed transfers; bytes that were already on disk
 * (a restart's {@code .incomplete}) are hashed from the file so the whole blob is verified.
 * Small git-stored files have no sha256 to check against and are not hashed.
 */
final class BlobHasher {
    private final MessageDigest digest;
    private long hashed;

    private BlobHasher(MessageDigest digest) {
        this.digest = digest;
    }

    static BlobHasher forFile(RepoFile file) {
        if (!file.isLfs()) {
            return new BlobHasher(null);
        }
        try {
            return new BlobHasher(MessageDigest.getInstance("SHA-256"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    boolean verifies() {
        return digest != null;
    }

    void update(ByteBuffer b) {
        hashed += b.remaining();
        if (digest != null) {
            digest.update(b);
        }
    }

    void reset() {
        hashed = 0;
        if (digest != null) {
            digest.reset();
        }
    }

    /** Makes the hash cover exactly the first {@code offset} bytes of the file. */
    void catchUp(FileChannel channel, long offset) throws IOException {
        if (hashed == offset) {
            return;
        }
        reset();
        if (digest == null) {
            hashed = offset;
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        while (hashed < offset) {
            buf.clear().limit((int) Math.min(buf.capacity(), offset - hashed));
            int n = channel.read(buf, hashed);
            if (n <= 0) {
                throw new IOException("partial file shorter than expected");
            }
            buf.flip();
            update(buf);
        }
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
