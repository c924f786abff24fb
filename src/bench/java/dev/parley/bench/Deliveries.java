package dev.parley.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the subscribers of one scenario received. Latency counts from the message's scheduled
 * send time (carried in its content) to its arrival, for messages scheduled inside the window,
 * whenever they arrive; throughput counts arrivals inside the window.
 */
final class Deliveries {

    private final Window window;
    private final Recorder latency = new Recorder(3);
    private final LongAdder inWindow = new LongAdder();
    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    Deliveries(Window window) {
        this.window = window;
    }

    void delivered(long scheduled, long now) {
        total.increment();
        if (window.contains(scheduled)) {
            latency.recordValue(Math.max(0, (now - scheduled) / 1000));
        }
        if (window.contains(now)) {
            inWindow.increment();
        }
    }

    void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** A socket the server closed (or lost) while the bench still wanted it. */
    void unexpectedClose(int code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Forgets everything; call while nothing is arriving. */
    void reset() {
        latency.reset();
        inWindow.reset();
        total.reset();
        errors.clear();
        closes.clear();
    }

    /** The latencies (µs) since the last call. */
    Histogram latencies() {
        return latency.getIntervalHistogram();
    }

    long inWindow() {
        return inWindow.sum();
    }

    long total() {
        return total.sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> copy = new TreeMap<>();
        errors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    Map<Integer, Long> unexpectedCloses() {
        Map<Integer, Long> copy = new TreeMap<>();
        closes.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    long unexpectedCloseCount() {
        return closes.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
