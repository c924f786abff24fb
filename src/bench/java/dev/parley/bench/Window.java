package dev.parley.bench;

/** The measured part of a scenario, in bench nanos: warm-up before it, drain after it. */
final class Window {

    private volatile long start = Long.MAX_VALUE;
    private volatile long end = Long.MAX_VALUE;

    void set(long start, long end) {
        this.start = start;
        this.end = end;
    }

    boolean contains(long t) {
        return t >= start && t < end;
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    double seconds() {
        return (end - start) / 1e9;
    }
}
