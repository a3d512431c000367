package dev.modelport.serving;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.BitSet;

/** Hands out ports from DEPLOYMENT_PORT_RANGE ("8100-8200"), lowest free first, and takes them back. */
final class PortAllocator {
    private final int first;
    private final int last;
    private final BitSet taken = new BitSet();

    PortAllocator(String range) {
        String[] parts = range.trim().split("-");
        try {
            first = Integer.parseInt(parts[0].trim());
            last = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : first;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("DEPLOYMENT_PORT_RANGE must look like 8100-8200, not " + range);
        }
        if (first < 1 || last > 65535 || last < first) {
            throw new IllegalArgumentException("DEPLOYMENT_PORT_RANGE out of bounds: " + range);
        }
    }

    /** Candidate ports in order; the caller binds and calls {@link #release} for those it could not bind. */
    synchronized int reserve(java.util.function.IntPredicate bind) {
        for (int p = first; p <= last; p++) {
            if (!taken.get(p - first)) {
                taken.set(p - first);
                if (bind.test(p)) {
                    return p;
                }
                taken.clear(p - first);
            }
        }
        throw new ModelportException(ErrorCode.NO_FREE_PORT,
                "No free port in DEPLOYMENT_PORT_RANGE " + first + "-" + last + " for a dedicated endpoint");
    }

    synchronized void release(int port) {
        if (port >= first && port <= last) {
            taken.clear(port - first);
        }
    }
}
