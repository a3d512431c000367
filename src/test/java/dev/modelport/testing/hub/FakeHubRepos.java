package dev.modelport.testing.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The repos a {@link FakeHub} serves: {@code root/<org>/<name>/<files...>}, one commit per repo (the
 * sha1 of its listing, as in shared/contract/hub.py), hashes cached by file size and mtime.
 * {@code .hubmeta.json} holds hub facts (pipeline_tag, tags, library_name) and is never listed.
 */
final class FakeHubRepos {
    static final String META_FILE = ".hubmeta.json";

    /** A served file's facts; {@code lfs} files get a sha256 etag and a redirect, as on the real Hub. */
    record FileMeta(long size, String sha1, String sha256, boolean lfs) {
    }

    private record CacheKey(Path file, long mtime, long size) {
    }

    private final Path root;
    private final Map<CacheKey, String[]> hashes = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> extraRefs = new ConcurrentHashMap<>();
    private volatile long lfsThreshold;

    FakeHubRepos(Path root, long lfsThreshold) {
        this.root = root.toAbsolutePath().normalize();
        this.lfsThreshold = lfsThreshold;
    }

    Path root() {
        return root;
    }

    void lfsThreshold(long bytes) {
        lfsThreshold = bytes;
    }

    void addRef(String repo, String ref) {
        extraRefs.computeIfAbsent(repo, r -> ConcurrentHashMap.newKeySet()).add(ref);
    }

    boolean isRepo(String repo) {
        String[] parts = repo.split("/", -1);
        return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() && !repo.contains("..")
                && Files.isDirectory(root.resolve(repo));
    }

    /** Whether {@code rev} names this repo's one commit: main, the commit itself or an added ref. */
    boolean knowsRevision(String repo, String rev) {
        return rev.equals("main") || rev.equals(commit(repo)) || extraRefs.getOrDefault(repo, Set.of()).contains(rev);
    }

    /** Every repo under the root ({@code org/name} folders), sorted. */
    List<String> repos() {
        try (Stream<Path> orgs = Files.list(root)) {
            List<String> out = new java.util.ArrayList<>();
            for (Path org : orgs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> names = Files.list(org)) {
                    names.filter(Files::isDirectory)
                            .map(n -> org.getFileName() + "/" + n.getFileName())
                            .filter(this::isRepo)
                            .forEach(out::add);
                }
            }
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> files(String repo) {
        Path base = root.resolve(repo);
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> base.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals(META_FILE))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file of a repo, or null when the path is not a served file. */
    Path file(String repo, String path) {
        if (path.isEmpty() || path.startsWith("/") || List.of(path.split("/")).contains("..") || path.equals(META_FILE)) {
            return null;
        }
        Path full = root.resolve(repo).resolve(path).normalize();
        return full.startsWith(root.resolve(repo)) && Files.isRegularFile(full) ? full : null;
    }

    FileMeta meta(String repo, String path) {
        Path full = root.resolve(repo).resolve(path);
        try {
            BasicFileAttributes attrs = Files.readAttributes(full, BasicFileAttributes.class);
            CacheKey key = new CacheKey(full, attrs.lastModifiedTime().toMillis(), attrs.size());
            String[] h = hashes.computeIfAbsent(key, k -> hash(k.file(), k.size()));
            return new FileMeta(attrs.size(), h[0], h[1], attrs.size() >= lfsThreshold);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String commit(String repo) {
        MessageDigest sha1 = digest("SHA-1");
        for (String p : files(repo)) {
            sha1.update((p + ":" + meta(repo, p).sha1() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha1.digest());
    }

    /** The repo's {@code .hubmeta.json} as raw JSON, or null. */
    String hubMeta(String repo) {
        Path p = root.resolve(repo).resolve(META_FILE);
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finds the file whose content has this sha256, for the /cdn/ path. */
    String pathBySha256(String repo, String sha256) {
        for (String p : files(repo)) {
            if (meta(repo, p).sha256().equals(sha256)) {
                return p;
            }
        }
        return null;
    }

    private static String[] hash(Path file, long size) {
        MessageDigest sha1 = digest("SHA-1");
        MessageDigest sha256 = digest("SHA-256");
        // git's blob id: sha1 over a "blob <size>\0" header and the content
        sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha1.update(buf, 0, n);
                sha256.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String[] {HexFormat.of().formatHex(sha1.digest()), HexFormat.of().formatHex(sha256.digest())};
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
