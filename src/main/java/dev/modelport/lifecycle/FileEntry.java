package dev.modelport.lifecycle;

/** A file the deployment fetched. */
public record FileEntry(String path, long size) {
}
