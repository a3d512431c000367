package dev.modelport.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * What the wizard shows before a deploy: hub facts and Modelport's verdict.
 * {@code estimatedMemoryBytes} is for dtype auto on a CPU; {@code memoryByDtype} has every dtype,
 * keyed by {@code cpu}/{@code gpu} then dtype.
 */
public record PreflightReport(String modelId, String revision, String commit, String architecture, String modelType,
                              String task, String pipelineTag, String libraryName, boolean supported, String reason,
                              String reasonCode, boolean gated, List<FileVerdict> files, long downloadBytes,
                              long estimatedMemoryBytes, Map<String, Map<String, Long>> memoryByDtype, boolean hasTokenizer, List<String> warnings,
                              List<String> availableTasks) {

    /** One repo file and whether a deployment fetches it. */
    public record FileVerdict(String path, long size, boolean selected, String reason) {
    }
}
