package dev.parley.bench;

/**
 * Nanoseconds since the generator started: the one clock for schedules and arrivals. Message
 * content carries a scheduled time in it, so it must be positive and small, which
 * {@link System#nanoTime()} by itself is not.
 */
final class BenchClock {

    private static final long EPOCH = System.nanoTime();

    private BenchClock() {}

    static long now() {
        return System.nanoTime() - EPOCH;
    }

    /** Parks until {@code at} (bench nanos); returns at once when it has passed. */
    static void sleepUntil(long at) throws InterruptedException {
        long left;
        while ((left = at - now()) > 0) {
            if (left > 2_000_000) {
                Thread.sleep(Math.min(200, (left - 1_000_000) / 1_000_000));
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
