package dev.modelport.lifecycle;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressStreamTest {

    private static ProgressEvent event(DeploymentStatus s, double progress) {
        return ProgressEvent.stage("d", s, progress, s.wireName(), null);
    }

    @Test
    void lateSubscribersGetTheLatestEventThenEachNewOneThenCompletion() {
        ProgressStream stream = new ProgressStream();
        stream.emit(event(DeploymentStatus.INITIALIZING, 0));
        stream.emit(event(DeploymentStatus.VALIDATING, 10));
        AssertSubscriber<ProgressEvent> sub = stream.events().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        stream.emit(event(DeploymentStatus.DOWNLOADING, 15));
        stream.emit(event(DeploymentStatus.FAILED, 15));
        stream.emit(event(DeploymentStatus.CANCELLED, 15)); // after the end: dropped
        sub.assertCompleted();
        assertEquals(List.of("validating", "downloading", "failed"), sub.getItems().stream().map(ProgressEvent::status).toList());

        AssertSubscriber<ProgressEvent> late = stream.events().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        late.assertCompleted();
        assertEquals(List.of("failed"), late.getItems().stream().map(ProgressEvent::status).toList());
    }
}
