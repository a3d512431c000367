package dev.modelport.hub;

/**
 * One file of a repo at a commit, as the Hub lists it.
 *
 * @param sha256 the LFS sha256 (the blob's etag on the Hub), or null for a small git-stored file
 * @param blobId the git blob id (sha1), the etag of a non-LFS file
 */
public record RepoFile(String path, long size, String sha256, String blobId) {
    public boolean isLfs() {
        return sha256 != null;
    }
}
