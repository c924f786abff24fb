package dev.parley.platform.control;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram with fixed bucket bounds, as Prometheus reads one: cumulative counts of samples at
 * or under each bound, their number and their sum. Recording is a few comparisons and striped
 * adds; no lock, no allocation.
 */
public final class LatencyRecorder {

    /** Upper bounds, in seconds: 0.5 ms to 10 s. */
    public static final double[] BOUNDS_SECONDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    // one more than the bounds: the last is +Inf
    private final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length + 1];
    private final LongAdder sumNanos = new LongAdder();
    private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

    public LatencyRecorder() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        long sample = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && sample > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(sample);
        maxNanos.accumulate(sample);
    }

    /** Samples at or under {@code BOUNDS_SECONDS[bound]}; {@code bound == BOUNDS_SECONDS.length} means all. */
    public long cumulative(int bound) {
        long n = 0;
        for (int i = 0; i <= bound; i++) {
            n += buckets[i].sum();
        }
        return n;
    }

    public long count() {
        return cumulative(BOUNDS_NANOS.length);
    }

    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }

    public double maxSeconds() {
        return maxNanos.get() / 1e9;
    }
}
