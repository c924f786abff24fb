package dev.parley.bench;

/**
 * An open-loop sender: message i is due at start + i/rate, whatever happened to the ones
 * before. When the sender falls behind it sends late rather than skipping, and the latency still
 * counts from the due time, so a slow server cannot hide its queueing (no coordinated omission).
 */
final class Publisher implements Runnable {

    /** Sends message {@code index}, due at {@code scheduled} (bench nanos). */
    interface Send {
        void send(long index, long scheduled);
    }

    private final long start;
    private final double rate;
    private final long count;
    private final Send send;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long sent;
    private volatile long maxLagNanos;

    Publisher(String name, long start, double rate, long count, Send send) {
        this.start = start;
        this.rate = rate;
        this.count = count;
        this.send = send;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    Publisher begin() {
        thread.start();
        return this;
    }

    long dueAt(long index) {
        return start + Math.round(index * 1e9 / rate);
    }

    /** The time just after the last message is due. */
    long end() {
        return dueAt(count);
    }

    @Override
    public void run() {
        try {
            for (long i = 0; i < count && !stopped; i++) {
                long due = dueAt(i);
                BenchClock.sleepUntil(due);
                maxLagNanos = Math.max(maxLagNanos, BenchClock.now() - due);
                send.send(i, due);
                sent = i + 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        stopped = true;
    }

    /** Waits for the last send, at most until {@code atMost} past its due time. */
    void join(long graceNanos) throws InterruptedException {
        long wait = (end() + graceNanos - BenchClock.now()) / 1_000_000;
        thread.join(Math.max(1, wait));
        if (thread.isAlive()) {
            stopped = true;
            thread.interrupt();
            thread.join(5000);
        }
    }

    long sent() {
        return sent;
    }

    /** How late the worst send left, in ms: above a few ms the generator could not keep the schedule. */
    double maxLagMillis() {
        return maxLagNanos / 1e6;
    }
}
