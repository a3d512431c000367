package dev.modelport.lifecycle;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A deployment's events as hot {@link Multi}s that complete after the terminal event: {@link #events()} gives a
 * new subscriber the latest event at once (DESIGN.md's contract for the WebSocket), then each new one;
 * {@link #withHistory()} gives it the deployment's whole history first (the web UI's progress log).
 *
 * <p>The history is bounded: every stage change, plus only the latest download tick of each file (a newer tick
 * of a file replaces the older one, and goes to the end), at most {@link #MAX_HISTORY} events (the oldest ticks
 * go first when it overflows; stage changes are never dropped). It stays in the order the events happened, so
 * progress never goes backwards across it, and its last event is always the latest one.
 */
final class ProgressStream {
    /** Stage changes are at most 8; the rest is room for files' ticks (sharded checkpoints have many files). */
    static final int MAX_HISTORY = 256;

    private final List<ProgressEvent> history = new ArrayList<>();
    private final Set<MultiEmitter<? super ProgressEvent>> subscribers = new CopyOnWriteArraySet<>();
    private final Multi<ProgressEvent> withHistory = Multi.createFrom().<ProgressEvent>emitter(e -> subscribe(e, true));
    private final Multi<ProgressEvent> latestFirst = Multi.createFrom().<ProgressEvent>emitter(e -> subscribe(e, false));
    private ProgressEvent latest;
    private boolean completed;

    synchronized void emit(ProgressEvent event) {
        if (completed) {
            return;
        }
        latest = event;
        remember(event);
        for (MultiEmitter<? super ProgressEvent> s : subscribers) {
            s.emit(event);
        }
        if (event.endsStream()) {
            completed = true;
            subscribers.forEach(MultiEmitter::complete);
            subscribers.clear();
        }
    }

    private void remember(ProgressEvent event) {
        if (isTick(event)) {
            history.removeIf(e -> isTick(e) && Objects.equals(e.file(), event.file()));
        }
        history.add(event);
        for (int i = 0; history.size() > MAX_HISTORY && i < history.size(); ) {
            if (isTick(history.get(i))) {
                history.remove(i);
            } else {
                i++;
            }
        }
    }

    /** A download tick (it names a file and bytes); stage changes carry neither. */
    private static boolean isTick(ProgressEvent e) {
        return e.file() != null && e.bytesDone() != null;
    }

    private synchronized void subscribe(MultiEmitter<? super ProgressEvent> emitter, boolean fromTheStart) {
        // under the lock: no event can slip between the history and the live ones, nor come twice
        emitter.onTermination(() -> subscribers.remove(emitter));
        if (fromTheStart) {
            history.forEach(emitter::emit);
        } else if (latest != null) {
            emitter.emit(latest);
        }
        if (completed) {
            emitter.complete();
        } else if (!emitter.isCancelled()) {
            subscribers.add(emitter);
        }
    }

    ProgressEvent latest() {
        return latest;
    }

    /** The bounded history, oldest first (what a new subscriber gets before the live events). */
    synchronized List<ProgressEvent> history() {
        return List.copyOf(history);
    }

    /** The latest event at once, then each new one. */
    Multi<ProgressEvent> events() {
        return latestFirst;
    }

    /** The bounded history (its last event is the latest), then each new one. */
    Multi<ProgressEvent> withHistory() {
        return withHistory;
    }
}
