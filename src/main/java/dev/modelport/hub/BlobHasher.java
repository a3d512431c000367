package dev.modelport.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The running sha256 of an LFS blob, kept across resumed transfers; bytes that were already on disk
 * (a restart's {@code .incomplete}) are hashed from the file so the whole blob is verified.
 * Hashing runs on its own thread, overlapping the network and the disk, with a bounded backlog.
 * Small git-stored files have no sha256 to check against and are not hashed.
 */
final class BlobHasher implements AutoCloseable {
    /** Lists of received buffers waiting to be hashed; bounds the memory a slow hash can hold. */
    private static final int MAX_BACKLOG = 32;

    private final MessageDigest digest;
    private final ExecutorService worker;
    private final Semaphore backlog = new Semaphore(MAX_BACKLOG);
    /** Used by the hashing thread only. */
    private final byte[] chunk = new byte[256 * 1024];
    private long hashed;

    private BlobHasher(MessageDigest digest) {
        this.digest = digest;
        this.worker = digest == null ? null : Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("blob-sha256").factory());
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

    /** Queues received buffers for hashing; the HTTP client hands them over for good, so they are not copied. */
    void update(List<ByteBuffer> buffers, long bytes) {
        hashed += bytes;
        if (digest == null) {
            return;
        }
        backlog.acquireUninterruptibly();
        worker.execute(() -> {
            try {
                for (ByteBuffer b : buffers) {
                    // the client's buffers are read-only, which MessageDigest would hash 4 KiB at a time via a copy
                    while (b.hasRemaining()) {
                        int n = Math.min(b.remaining(), chunk.length);
                        b.get(chunk, 0, n);
                        digest.update(chunk, 0, n);
                    }
                }
            } finally {
                backlog.release();
            }
        });
    }

    void reset() {
        drain();
        hashed = 0;
        if (digest != null) {
            digest.reset();
        }
    }

    /** Makes the hash cover exactly the first {@code offset} bytes of the file. */
    void catchUp(FileChannel channel, long offset) throws IOException {
        drain();
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
            digest.update(buf);
            hashed += n;
        }
    }

    String hex() {
        drain();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Waits until every queued buffer is hashed. */
    private void drain() {
        if (digest != null) {
            backlog.acquireUninterruptibly(MAX_BACKLOG);
            backlog.release(MAX_BACKLOG);
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdown();
        }
    }
}
