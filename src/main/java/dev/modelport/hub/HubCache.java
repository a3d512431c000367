package dev.modelport.hub;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code huggingface_hub} cache layout, so a Python user's cache and ours are one:
 * {@code models--{org}--{name}/blobs/{etag}}, {@code snapshots/{commit}/{path}} as relative symlinks
 * into blobs, {@code refs/{revision}} holding the commit, and lock files under {@code .locks/}.
 */
final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ETAG = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    /** Names of links and refs being written (see {@link #link}); one left by a crash is not a repo file. */
    private static final Pattern TEMP = Pattern.compile(".*\\.tmp-\\d+-\\d+");

    private final Path root;

    HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    static boolean isCommit(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    Path repoDir(String repoId) {
        String[] parts = repoId.split("/", -1);
        if (parts.length != 2 || !safeSegment(parts[0]) || !safeSegment(parts[1])) {
            throw new ModelportException(ErrorCode.INVALID_MODEL_ID, "Not a model id of the form org/name: " + repoId);
        }
        return root.resolve("models--" + parts[0] + "--" + parts[1]);
    }

    Path blob(String repoId, String etag) {
        if (!ETAG.matcher(etag).matches()) {
            throw new ModelportException(ErrorCode.DOWNLOAD_FAILED, "The Hub gave a malformed file id for " + repoId);
        }
        return repoDir(repoId).resolve("blobs").resolve(etag);
    }

    static Path incomplete(Path blob) {
        return blob.resolveSibling(blob.getFileName() + ".incomplete");
    }

    Path lockFile(String repoId, String etag) {
        return root.resolve(".locks").resolve(repoDir(repoId).getFileName()).resolve(etag + ".lock");
    }

    Path snapshotDir(String repoId, String commit) {
        if (!isCommit(commit)) {
            throw new ModelportException(ErrorCode.INVALID_REVISION, "Not a commit id: " + commit);
        }
        return repoDir(repoId).resolve("snapshots").resolve(commit);
    }

    Path snapshotFile(String repoId, String commit, String path) {
        return snapshotDir(repoId, commit).resolve(checkRepoPath(path));
    }

    /** Rejects repo file paths that would step outside their folder (absolute, "..", backslashes). */
    static String checkRepoPath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new ModelportException(ErrorCode.DOWNLOAD_FAILED, "Refusing an unsafe file path from the Hub: " + path);
        }
        for (String segment : path.split("/", -1)) {
            if (!safeSegment(segment)) {
                throw new ModelportException(ErrorCode.DOWNLOAD_FAILED, "Refusing an unsafe file path from the Hub: " + path);
            }
        }
        return path;
    }

    private static boolean safeSegment(String s) {
        return !s.isEmpty() && !s.equals(".") && !s.equals("..") && s.indexOf('\0') < 0;
    }

    /** Points {@code snapshots/{commit}/{path}} at {@code blobs/{etag}} with a relative link, replacing any old entry. */
    Path link(String repoId, String commit, String path, String etag) {
        Path link = snapshotFile(repoId, commit, path);
        int depth = (int) path.chars().filter(c -> c == '/').count();
        Path target = Path.of("../".repeat(depth + 2) + "blobs/" + etag);
        try {
            Files.createDirectories(link.getParent());
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                return link;
            }
            // build the link aside and rename it over, so the entry is never missing or half-made
            Path tmp = tempSibling(link);
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, target);
            Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return link;
        } catch (FileAlreadyExistsException e) {
            return link;
        } catch (IOException e) {
            throw ioFailure("link " + path + " into the cache", e);
        }
    }

    private static Path tempSibling(Path p) {
        return p.resolveSibling(p.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
    }

    /** Records which commit a branch or tag resolved to; a commit needs no ref. */
    void writeRef(String repoId, String revision, String commit) {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = refFile(repoId, revision);
        try {
            Files.createDirectories(ref.getParent());
            Path tmp = tempSibling(ref);
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw ioFailure("record revision " + revision, e);
        }
    }

    /** The commit a revision names in the cache: a ref's content, or the revision itself if its snapshot exists. */
    Optional<String> resolveCommit(String repoId, String revision) {
        if (isCommit(revision) && Files.isDirectory(snapshotDir(repoId, revision))) {
            return Optional.of(revision);
        }
        Path ref = refFile(repoId, revision);
        try {
            if (Files.isRegularFile(ref)) {
                String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
                if (isCommit(commit) && Files.isDirectory(snapshotDir(repoId, commit))) {
                    return Optional.of(commit);
                }
            }
        } catch (IOException e) {
            throw ioFailure("read revision " + revision, e);
        }
        return Optional.empty();
    }

    /** Whether every entry of a cached snapshot still reaches its blob (none was deleted from under it). */
    boolean snapshotIntact(String repoId, String commit) {
        Path dir = snapshotDir(repoId, commit);
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !TEMP.matcher(p.getFileName().toString()).matches())
                    .allMatch(p -> !Files.isSymbolicLink(p) || Files.exists(p));
        } catch (IOException e) {
            return false;
        }
    }

    /** The model ids that have a folder in the cache ({@code models--org--name}), sorted. */
    List<String> cachedRepos() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("models--") && n.split("--", -1).length == 3)
                    .map(n -> {
                        String[] parts = n.split("--", -1);
                        return parts[1] + "/" + parts[2];
                    })
                    .filter(id -> !id.startsWith("/") && !id.endsWith("/"))
                    .sorted().toList();
        } catch (IOException e) {
            throw ioFailure("list the cache", e);
        }
    }

    /** The files of a cached snapshot, with sizes and etags read from the blobs they link to. */
    List<RepoFile> listSnapshot(String repoId, String commit) {
        Path dir = snapshotDir(repoId, commit);
        List<RepoFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                if (!Files.isRegularFile(p) || TEMP.matcher(p.getFileName().toString()).matches()) {
                    continue; // folders, dangling links, a crash's leftovers
                }
                String rel = dir.relativize(p).toString().replace('\\', '/');
                String etag = Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).getFileName().toString() : null;
                boolean lfs = etag != null && SHA256.matcher(etag).matches();
                files.add(new RepoFile(rel, Files.size(p), lfs ? etag : null, lfs ? null : etag));
            }
        } catch (IOException e) {
            throw ioFailure("read the cached snapshot of " + repoId, e);
        }
        return files;
    }

    private Path refFile(String repoId, String revision) {
        for (String segment : revision.split("/", -1)) {
            if (!safeSegment(segment)) {
                throw new ModelportException(ErrorCode.INVALID_REVISION, "Not a valid revision: " + revision);
            }
        }
        return repoDir(repoId).resolve("refs").resolve(revision);
    }

    static ModelportException ioFailure(String what, IOException e) {
        if (HubErrors.isDiskFull(e)) {
            return HubErrors.diskFull(e);
        }
        return new ModelportException(ErrorCode.DOWNLOAD_FAILED, "Could not " + what + ": " + e.getClass().getSimpleName(), e);
    }
}
