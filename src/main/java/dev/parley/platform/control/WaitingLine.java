package dev.parley.platform.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Work that runs a few at a time, with a short line in front: a caller that finds every place
 * taken waits its turn, first come first served, but only while the line is shorter than
 * {@code queue} and only for {@code maxWait}; past either it gets {@link Refusal#busy()} at once.
 * So the work holds at most {@code concurrency} threads busy and {@code queue} threads parked,
 * whatever arrives, and the container's other threads stay free for everything else.
 */
public final class WaitingLine {

    private final Semaphore running;
    private final int queue;
    private final long maxWaitNanos;
    private final Runnable onBusy;
    private final AtomicInteger waiting = new AtomicInteger();

    public WaitingLine(int concurrency, int queue, Duration maxWait) {
        this(concurrency, queue, maxWait, () -> {});
    }

    /** {@code onBusy} runs once for every caller turned away, to count them. */
    public WaitingLine(int concurrency, int queue, Duration maxWait, Runnable onBusy) {
        this.running = new Semaphore(Math.max(1, concurrency), true);
        this.queue = Math.max(0, queue);
        this.maxWaitNanos = maxWait.toNanos();
        this.onBusy = onBusy;
    }

    /** Runs {@code work} in its turn; a refusal thrown by the work passes through unchanged. */
    public <T> T run(Supplier<T> work) {
        if (!running.tryAcquire()) {
            await();
        }
        try {
            return work.get();
        } finally {
            running.release();
        }
    }

    /**
     * Starts {@code work} in its turn and keeps its place until the future it returns completes,
     * so a caller that needs no answer on its own thread does not park while the work finishes.
     * A refusal thrown while starting passes through unchanged and frees the place.
     */
    public <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> work) {
        if (!running.tryAcquire()) {
            await();
        }
        CompletableFuture<T> started;
        try {
            started = work.get();
        } catch (RuntimeException | Error e) {
            running.release();
            throw e;
        }
        started.whenComplete((result, failure) -> running.release());
        return started;
    }

    private void await() {
        if (waiting.incrementAndGet() > queue) {
            waiting.decrementAndGet();
            throw busy();
        }
        boolean acquired;
        try {
            acquired = running.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        } finally {
            waiting.decrementAndGet();
        }
        if (!acquired) {
            throw busy();
        }
    }

    private Refusal busy() {
        onBusy.run();
        return Refusal.busy();
    }

    /** Callers waiting now, for tests and gauges. */
    public int waiting() {
        return waiting.get();
    }
}
