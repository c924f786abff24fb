package dev.parley.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded line in front of sends and password hashes (PasswordsTest covers the full line). */
class WaitingLineTest {

    final AtomicInteger turnedAway = new AtomicInteger();

    @Test
    void aWaiterWhoseTimeRunsOutIsTurnedAwayAndCounted() throws Exception {
        WaitingLine line = new WaitingLine(1, 5, Duration.ofMillis(200), turnedAway::incrementAndGet);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<String> first =
                CompletableFuture.supplyAsync(() -> line.run(() -> held(started, go, "first")));
        assertTrue(started.await(10, TimeUnit.SECONDS));

        Refusal busy = assertThrows(Refusal.class, () -> line.run(() -> "second"));

        assertEquals("busy", busy.code());
        assertEquals(1, turnedAway.get());
        go.countDown();
        assertEquals("first", first.get(10, TimeUnit.SECONDS));
        assertEquals("third", line.run(() -> "third"), "the place is free again once the first is done");
    }

    @Test
    void aRefusalFromTheWorkPassesThroughAndFreesThePlace() {
        WaitingLine line = new WaitingLine(1, 0, Duration.ZERO, turnedAway::incrementAndGet);
        Refusal notMember = Refusal.forbidden("not a member");

        assertSame(
                notMember,
                assertThrows(
                        Refusal.class,
                        () -> line.run(() -> {
                            throw notMember;
                        })));
        assertEquals("next", line.run(() -> "next"));
        assertSame(
                notMember,
                assertThrows(
                        Refusal.class,
                        () -> line.start(() -> {
                            throw notMember;
                        })),
                "the same when the work is started and refuses before it returns a future");
        assertEquals("after", line.run(() -> "after"));
        assertEquals(0, turnedAway.get(), "the work's own refusal is not a busy line");
    }

    @Test
    void aStartedWorkHoldsItsPlaceUntilItsFutureCompletes() {
        WaitingLine line = new WaitingLine(1, 0, Duration.ZERO, turnedAway::incrementAndGet);
        CompletableFuture<String> outcome = new CompletableFuture<>();

        assertSame(outcome, line.start(() -> outcome), "start returns at once, with the work's future");

        assertEquals(
                "busy",
                assertThrows(Refusal.class, () -> line.run(() -> "second")).code());
        assertEquals(1, turnedAway.get());
        outcome.complete("first");
        assertEquals("third", line.run(() -> "third"), "the place is free once the future completed");
        CompletableFuture<String> failed = new CompletableFuture<>();
        line.start(() -> failed);
        failed.completeExceptionally(Refusal.busy());
        assertEquals("fourth", line.run(() -> "fourth"), "a failed future frees the place too");
    }

    private static String held(CountDownLatch started, CountDownLatch go, String result) {
        started.countDown();
        try {
            go.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }
}
