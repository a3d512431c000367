package dev.modelport.hub;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Turns Hub answers and I/O failures into the stable error codes users see. Messages name the repo,
 * revision and file, never the token or request headers.
 */
final class HubErrors {
    private HubErrors() {
    }

    /**
     * The error for a non-retryable Hub answer, by its {@code X-Error-Code} first and its status second.
     *
     * @param path the repo file asked for, or null for API calls
     */
    static ModelportException fromResponse(int status, HttpHeaders headers, String endpoint, String repoId,
                                           String revision, String path, boolean hasToken) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        switch (code) {
            case "RepoNotFound":
                return new ModelportException(ErrorCode.MODEL_NOT_FOUND, "Model '" + repoId + "' was not found on the Hub"
                        + (hasToken ? "" : " (a private model needs HF_TOKEN)") + ".");
            case "RevisionNotFound":
                return new ModelportException(ErrorCode.REVISION_NOT_FOUND,
                        "Revision '" + revision + "' does not exist for model '" + repoId + "'.");
            case "EntryNotFound":
                return fileNotFound(repoId, revision, path);
            case "GatedRepo":
                return gated(endpoint, repoId, hasToken);
            default:
                break;
        }
        if (status == 401 || status == 403) {
            return gated(endpoint, repoId, hasToken);
        }
        if (status == 404) {
            return path == null
                    ? new ModelportException(ErrorCode.MODEL_NOT_FOUND, "Model '" + repoId + "' was not found on the Hub.")
                    : fileNotFound(repoId, revision, path);
        }
        return new ModelportException(path == null ? ErrorCode.HUB_UNAVAILABLE : ErrorCode.DOWNLOAD_FAILED,
                "The Hub answered HTTP " + status + " for " + (path == null ? "model '" + repoId + "'" : "'" + path + "' of '" + repoId + "'") + ".");
    }

    static ModelportException fileNotFound(String repoId, String revision, String path) {
        return new ModelportException(ErrorCode.FILE_NOT_FOUND,
                "File '" + path + "' does not exist in model '" + repoId + "' at revision '" + revision + "'.");
    }

    static ModelportException gated(String endpoint, String repoId, boolean hasToken) {
        String page = endpoint + "/" + repoId;
        return new ModelportException(ErrorCode.GATED_MODEL, hasToken
                ? "Model '" + repoId + "' is gated and the HF_TOKEN given has no access to it: accept the model's terms on "
                        + page + " with the account the token belongs to (or check that the token is valid)."
                : "Model '" + repoId + "' is gated: accept the model's terms on " + page
                        + " while logged in, then set HF_TOKEN to an access token of that account.");
    }

    static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left")) {
                return true;
            }
        }
        return false;
    }

    static ModelportException diskFull(IOException e) {
        return new ModelportException(ErrorCode.DISK_FULL,
                "The disk holding the model cache (HF_HUB_CACHE) is full; free some space and deploy again.", e);
    }

    /** A short reason for a transport failure, fit for a user-facing message. */
    static String describe(Throwable e) {
        // The JDK client reports a refused connection as a ConnectException without a message caused by a
        // ClosedChannelException: look for the kind along the whole chain before unwrapping to a message.
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
                return "could not connect";
            }
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (c instanceof HttpTimeoutException) {
                return "timed out";
            }
        }
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg;
    }
}
