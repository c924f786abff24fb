package dev.parley.platform.control;

/** A token bucket: {@code capacity} at once, refilled at {@code perSecond}. Thread-safe. */
public final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long refilledAt;

    public TokenBucket(double capacity, double perSecond, long now) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Takes one token: 0 when taken, else the nanoseconds until one will be there. */
    public synchronized long take(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }

    /** Returns one token taken for something that turned out not to count. */
    public synchronized void giveBack(long now) {
        refill(now);
        tokens = Math.min(capacity, tokens + 1);
    }

    /** Full again: nothing to remember about this user. */
    public synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= capacity;
    }

    private void refill(long now) {
        tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
    }
}
