package dev.modelport.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The accepted API keys. A presented key is compared with every accepted one, always all of them,
 * by SHA-256 digest and {@link MessageDigest#isEqual}, so neither a key's length nor the position of
 * the first wrong character shows in the answer time.
 */
public final class ApiKeys {
    private final boolean required;
    private final List<byte[]> digests;

    private ApiKeys(boolean required, List<byte[]> digests) {
        this.required = required;
        this.digests = digests;
    }

    /**
     * Keys are trimmed and blank entries dropped. Requiring keys without naming one would lock every
     * client out, so that refuses to start instead.
     */
    public static ApiKeys of(boolean required, List<String> keys) {
        List<byte[]> digests = keys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::sha256).toList();
        if (required && digests.isEmpty()) {
            throw new IllegalStateException("API_KEY_ENABLED=true but API_KEYS names no key; "
                    + "set API_KEYS=key1,key2 or API_KEY_ENABLED=false");
        }
        return new ApiKeys(required, digests);
    }

    public boolean required() {
        return required;
    }

    /** True when keys are not required, or when {@code presented} is one of the accepted keys. */
    public boolean accepts(String presented) {
        if (!required) {
            return true;
        }
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] candidate = sha256(presented);
        boolean match = false;
        for (byte[] accepted : digests) {
            match |= MessageDigest.isEqual(accepted, candidate);
        }
        return match;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
