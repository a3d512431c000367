package dev.modelport.lifecycle;

/** A failure as clients see it: stable code, sanitized message. */
public record ErrorInfo(String code, String message) {
}
