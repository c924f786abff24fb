package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.platform.control.Meters;
import dev.parley.support.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lanes measure how long their oldest waiting task has waited, for the committers to read. */
class DeliveryThreadsTest {

    private final DeliveryThreads threads = new DeliveryThreads();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        threads.stop();
    }

    @Test
    void aTaskWaitingBehindABusyLaneShowsAsLagUntilItRuns() throws Exception {
        threads.threads = new DaemonThreads("lane");
        threads.meters = new Meters();
        threads.start();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);

        threads.inLane(7, () -> {
            running.countDown();
            await(release);
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        threads.inLane(7, ran::countDown);

        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> threads.meters.level(Meters.Level.DELIVERY_LAG) >= 50);
        release.countDown();
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> threads.meters.level(Meters.Level.DELIVERY_LAG) == 0);
        assertEquals(0, threads.lagNanos(), "nothing waits once the lane has run its tasks");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
