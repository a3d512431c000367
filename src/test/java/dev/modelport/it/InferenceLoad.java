package dev.modelport.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A few clients posting the same inference request in a closed loop, so a crash or a restart lands
 * while requests are in flight. Counts answers (200), failures (anything else) and requests in flight.
 */
final class InferenceLoad implements AutoCloseable {
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean stopped;

    private InferenceLoad() {
    }

    static InferenceLoad start(ServiceProcess service, String path, String body, int clients) {
        InferenceLoad load = new InferenceLoad();
        for (int i = 0; i < clients; i++) {
            load.clients.add(Thread.ofVirtual().name("inference-load-" + i).start(() -> load.loop(service, path, body)));
        }
        return load;
    }

    private void loop(ServiceProcess service, String path, String body) {
        while (!stopped) {
            inFlight.incrementAndGet();
            try {
                HttpResponse<String> r = service.post(path, body);
                if (r.statusCode() == 200) {
                    answered.incrementAndGet();
                } else {
                    fail(r.statusCode() + " " + r.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                fail(e.toString());
                if (!service.isAlive()) {
                    return; // the process is gone: every further request would fail the same way
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void fail(String why) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, why);
    }

    /** Waits until this many requests were answered with 200 (a minute at most). */
    void awaitAnswered(long n) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (answered.get() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + answered.get() + " of " + n + " requests answered; first failure: "
                        + firstFailure.get());
            }
            ServiceProcess.sleep(10);
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    long failures() {
        return failures.get();
    }

    String firstFailure() {
        return firstFailure.get();
    }

    /** Stops the clients and waits for their last requests to end. */
    void stop() throws InterruptedException {
        stopped = true;
        for (Thread t : clients) {
            t.join(Duration.ofSeconds(70));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
