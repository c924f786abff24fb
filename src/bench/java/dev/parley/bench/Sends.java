package dev.parley.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The sending side of a scenario: what was sent, what the server confirmed (socket ack or REST
 * 201) and how long after the scheduled time, and the highest seq confirmed per room.
 */
final class Sends {

    private final Window window;
    private final AtomicLongArray lastSeq;
    private final LongAdder sent = new LongAdder();
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder confirmedInWindow = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final Recorder ackLatency = new Recorder(3);
    private final Recorder restLatency = new Recorder(3);
    private volatile String firstFailure;

    Sends(Window window, int rooms) {
        this.window = window;
        this.lastSeq = new AtomicLongArray(rooms);
    }

    void sent() {
        sent.increment();
    }

    /** Not sent at all: the generator's own REST backlog was full. */
    void skipped() {
        skipped.increment();
    }

    void acked(int room, long seq, long scheduled, long now) {
        confirm(room, seq, now);
        if (scheduled >= 0 && window.contains(scheduled)) {
            ackLatency.recordValue(Math.max(0, (now - scheduled) / 1000));
        }
    }

    void restAnswered(int room, long seq, long scheduled, long now) {
        confirm(room, seq, now);
        if (window.contains(scheduled)) {
            restLatency.recordValue(Math.max(0, (now - scheduled) / 1000));
        }
    }

    void failed(String why) {
        failed.increment();
        if (firstFailure == null) {
            firstFailure = why;
        }
    }

    private void confirm(int room, long seq, long now) {
        confirmed.increment();
        if (window.contains(now)) {
            confirmedInWindow.increment();
        }
        lastSeq.accumulateAndGet(room, seq, Math::max);
    }

    void reset() {
        sent.reset();
        confirmed.reset();
        confirmedInWindow.reset();
        failed.reset();
        skipped.reset();
        ackLatency.reset();
        restLatency.reset();
        firstFailure = null;
    }

    long sentCount() {
        return sent.sum();
    }

    long confirmedCount() {
        return confirmed.sum();
    }

    long confirmedInWindow() {
        return confirmedInWindow.sum();
    }

    long failedCount() {
        return failed.sum();
    }

    long skippedCount() {
        return skipped.sum();
    }

    String firstFailure() {
        return firstFailure;
    }

    long lastSeq(int room) {
        return lastSeq.get(room);
    }

    /** Whether every send has been answered one way or the other. */
    boolean settled() {
        return unanswered() <= 0;
    }

    /** Sends neither confirmed, failed nor skipped (yet). */
    long unanswered() {
        return sent.sum() - confirmed.sum() - failed.sum() - skipped.sum();
    }

    Histogram ackLatencies() {
        return ackLatency.getIntervalHistogram();
    }

    Histogram restLatencies() {
        return restLatency.getIntervalHistogram();
    }
}
