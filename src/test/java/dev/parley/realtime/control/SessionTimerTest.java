package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionTimerTest {

    final SessionTimer.Immediate timer = new SessionTimer.Immediate(Executors.defaultThreadFactory());

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aTaskAlreadyDueRunsInTheCallerWithoutAHandOff() {
        Thread[] ranOn = new Thread[1];
        Runnable task = () -> ranOn[0] = Thread.currentThread();
        ScheduledFuture<?> future = timer.schedule(task, 0, TimeUnit.MILLISECONDS);
        assertSame(Thread.currentThread(), ranOn[0]);
        assertTrue(future.isDone());
        assertEquals(0, timer.getQueue().size(), "nothing queued for a task due now");
    }

    @Test
    void aLaterTaskWaitsOnTheTimersOwnThreadAndCanBeCancelled() throws InterruptedException {
        BlockingQueue<Thread> ranOn = new ArrayBlockingQueue<>(2);
        Runnable task = () -> ranOn.add(Thread.currentThread());
        ScheduledFuture<?> cancelled = timer.schedule(task, 1, TimeUnit.HOURS);
        timer.schedule(task, 20, TimeUnit.MILLISECONDS);
        Thread thread = ranOn.poll(10, TimeUnit.SECONDS);
        assertNotNull(thread, "the later task ran");
        assertNotEquals(Thread.currentThread(), thread);
        assertTrue(cancelled.cancel(false));
        assertEquals(0, timer.getQueue().size(), "a cancelled task leaves the queue at once");
    }

    @Test
    void afterShutdownNothingThrowsIntoTheContainer() {
        timer.shutdownNow();
        Runnable nothing = () -> {};
        ScheduledFuture<?> later = timer.schedule(nothing, 5, TimeUnit.SECONDS);
        assertTrue(later.isDone());
        boolean[] ran = {false};
        Runnable task = () -> ran[0] = true;
        timer.schedule(task, 0, TimeUnit.SECONDS);
        assertTrue(ran[0], "a due task still runs in the caller");
    }

    @Test
    void aFailingDueTaskDoesNotReachTheCaller() {
        Runnable failing = () -> {
            throw new IllegalStateException("boom");
        };
        assertTrue(timer.schedule(failing, 0, TimeUnit.SECONDS).isDone());
    }
}
