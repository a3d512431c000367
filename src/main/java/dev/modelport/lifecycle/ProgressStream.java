package dev.modelport.lifecycle;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * A deployment's events as a hot {@link Multi} that replays the latest event to each new subscriber
 * and completes after the terminal one.
 */
final class ProgressStream {
    private final BroadcastProcessor<ProgressEvent> processor = BroadcastProcessor.create();
    private final Multi<ProgressEvent> replaying = Multi.createBy().replaying().upTo(1).ofMulti(processor);
    private volatile ProgressEvent latest;
    private boolean completed;

    ProgressStream() {
        // The replay operator subscribes upstream lazily; subscribe once now so no early event is missed.
        replaying.subscribe().with(e -> { }, f -> { });
    }

    synchronized void emit(ProgressEvent event) {
        if (completed) {
            return;
        }
        latest = event;
        processor.onNext(event);
        if (event.endsStream()) {
            completed = true;
            processor.onComplete();
        }
    }

    ProgressEvent latest() {
        return latest;
    }

    Multi<ProgressEvent> events() {
        return replaying;
    }
}
