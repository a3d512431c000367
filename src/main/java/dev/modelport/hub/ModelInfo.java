package dev.modelport.hub;

import java.util.List;

/**
 * What the Hub says of a repo at one revision.
 *
 * @param revision what the user asked for (branch, tag or commit)
 * @param commit the 40-hex commit the revision resolved to
 * @param gated whether the repo is gated (access needs HF_TOKEN)
 */
public record ModelInfo(String repoId, String revision, String commit, String pipelineTag, String libraryName,
                        boolean gated, List<String> tags, List<RepoFile> files) {
}
