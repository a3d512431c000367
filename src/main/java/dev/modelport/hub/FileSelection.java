package dev.modelport.hub;

import java.util.List;

/** The files a deployment fetches (DESIGN.md, "File selection") and those it skips. */
public record FileSelection(List<RepoFile> selected, List<SkippedFile> skipped) {
    public long totalBytes() {
        return selected.stream().mapToLong(RepoFile::size).sum();
    }

    public boolean has(String path) {
        return selected.stream().anyMatch(f -> f.path().equals(path));
    }
}
