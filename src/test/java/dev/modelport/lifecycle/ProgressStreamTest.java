package dev.modelport.lifecycle;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressStreamTest {

    private static ProgressEvent event(DeploymentStatus s, double progress) {
        return ProgressEvent.stage("d", s, progress, s.wireName(), null);
    }

    private static ProgressEvent tick(String file, double progress, long done) {
        return new ProgressEvent("d", "downloading", progress, Instant.now(), "Downloading " + file, file, done, 1000L,
                100L, 1.0, null);
    }

    private static List<String> labels(AssertSubscriber<ProgressEvent> sub) {
        return sub.getItems().stream().map(e -> e.file() == null ? e.status() : e.file() + "@" + e.bytesDone()).toList();
    }

    @Test
    void lateSubscribersGetTheHistoryThenEachNewEventThenCompletion() {
        ProgressStream stream = new ProgressStream();
        stream.emit(event(DeploymentStatus.INITIALIZING, 0));
        stream.emit(event(DeploymentStatus.VALIDATING, 10));
        AssertSubscriber<ProgressEvent> sub = stream.withHistory().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        stream.emit(event(DeploymentStatus.DOWNLOADING, 15));
        stream.emit(event(DeploymentStatus.FAILED, 15));
        stream.emit(event(DeploymentStatus.CANCELLED, 15)); // after the end: dropped
        sub.assertCompleted();
        assertEquals(List.of("initializing", "validating", "downloading", "failed"), labels(sub));

        AssertSubscriber<ProgressEvent> late = stream.withHistory().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        late.assertCompleted();
        assertEquals(List.of("initializing", "validating", "downloading", "failed"), labels(late),
                "an ended deployment's history, then completion");
    }

    @Test
    void byDefaultASubscriberGetsTheLatestEventAtOnceThenEachNewOne() {
        // DESIGN.md's WebSocket contract: "on connect the latest event at once, then each new one"
        ProgressStream stream = new ProgressStream();
        stream.emit(event(DeploymentStatus.INITIALIZING, 0));
        stream.emit(event(DeploymentStatus.VALIDATING, 10));
        AssertSubscriber<ProgressEvent> sub = stream.events().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        assertEquals(List.of("validating"), labels(sub));
        stream.emit(event(DeploymentStatus.DOWNLOADING, 15));
        stream.emit(event(DeploymentStatus.FAILED, 15));
        sub.assertCompleted();
        assertEquals(List.of("validating", "downloading", "failed"), labels(sub));
        AssertSubscriber<ProgressEvent> late = stream.events().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        late.assertCompleted();
        assertEquals(List.of("failed"), labels(late), "after the end: the terminal event, then completion");
    }

    @Test
    void theHistoryKeepsEveryStageAndOnlyTheLatestTickOfEachFile() {
        ProgressStream stream = new ProgressStream();
        stream.emit(event(DeploymentStatus.INITIALIZING, 0));
        stream.emit(event(DeploymentStatus.VALIDATING, 10));
        stream.emit(event(DeploymentStatus.DOWNLOADING, 15));
        stream.emit(tick("config.json", 16, 10));
        stream.emit(tick("model.safetensors", 20, 100));
        stream.emit(tick("model.safetensors", 30, 400));
        stream.emit(tick("tokenizer.json", 31, 420));
        stream.emit(tick("model.safetensors", 50, 900));

        AssertSubscriber<ProgressEvent> late = stream.withHistory().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        assertEquals(List.of("initializing", "validating", "downloading", "config.json@10", "tokenizer.json@420",
                "model.safetensors@900"), labels(late), "in order, the latest event last");
        stream.emit(event(DeploymentStatus.LOADING, 55));
        assertEquals("loading", late.getItems().getLast().status(), "then the live events");
        double before = -1;
        for (ProgressEvent e : late.getItems()) {
            assertTrue(e.progress() >= before, "never backwards");
            before = e.progress();
        }
    }

    @Test
    void theHistoryIsBoundedAndDropsTicksBeforeStages() {
        ProgressStream stream = new ProgressStream();
        stream.emit(event(DeploymentStatus.INITIALIZING, 0));
        stream.emit(event(DeploymentStatus.VALIDATING, 10));
        stream.emit(event(DeploymentStatus.DOWNLOADING, 15));
        for (int i = 0; i < ProgressStream.MAX_HISTORY + 50; i++) {
            stream.emit(tick("model-" + i + "-of-400.safetensors", 15 + i * 0.1, i));
        }
        List<ProgressEvent> history = stream.history();
        assertEquals(ProgressStream.MAX_HISTORY, history.size());
        assertEquals(List.of("initializing", "validating", "downloading"),
                history.subList(0, 3).stream().map(ProgressEvent::status).toList(), "stage changes are kept");
        assertEquals("model-" + (ProgressStream.MAX_HISTORY + 49) + "-of-400.safetensors", history.getLast().file());
    }

    @Test
    void aSubscriberNeverMissesOrRepeatsAnEventEmittedWhileItJoins() throws Exception {
        for (int round = 0; round < 50; round++) {
            ProgressStream stream = new ProgressStream();
            stream.emit(event(DeploymentStatus.INITIALIZING, 0));
            stream.emit(event(DeploymentStatus.VALIDATING, 10));
            stream.emit(event(DeploymentStatus.DOWNLOADING, 15));
            CountDownLatch go = new CountDownLatch(1);
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 1; i <= 200; i++) {
                    stream.emit(tick("model.safetensors", 15 + i * 0.2, i));
                }
                stream.emit(event(DeploymentStatus.FAILED, 55));
            });
            go.countDown();
            AssertSubscriber<ProgressEvent> sub = stream.withHistory().subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            producer.join(TimeUnit.SECONDS.toMillis(10));
            sub.awaitCompletion();
            List<ProgressEvent> items = sub.getItems();
            assertEquals("failed", items.getLast().status());
            long previous = -1;
            for (ProgressEvent e : items) {
                if (e.bytesDone() != null) {
                    assertTrue(e.bytesDone() > previous, "no tick repeated or out of order: " + labels(sub));
                    previous = e.bytesDone();
                }
            }
            if (previous >= 0) {
                // from the first tick it saw on, every later tick arrived
                long first = items.stream().filter(e -> e.bytesDone() != null).findFirst().orElseThrow().bytesDone();
                assertEquals(200 - first + 1, items.stream().filter(e -> e.bytesDone() != null).count(), labels(sub).toString());
            }
        }
    }
}
