package dev.parley.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the server counts about itself, in plain JDK types so that counting costs a striped add
 * and no allocation on the delivery path, and so that the application runs where no metrics API
 * exists. {@code platform.boundary.MetricsExport} publishes these values as MicroProfile Metrics
 * where the server has them; every name is listed here once, and in the README.
 */
@ApplicationScoped
public class Meters {

    /** Totals since the server started. */
    public enum Count {
        MESSAGES_POSTED("parley.messages.posted.total", "messages committed by this node"),
        DELIVERIES("parley.deliveries.total", "live message frames written to a connection"),
        DROPPED("parley.frames.dropped.total", "droppable frames (typing, presence) dropped for a crowded outbox"),
        SLOW_CLOSES("parley.slow.closes.total", "connections closed as too slow (4008)"),
        RATE_LIMITED_FRAMES("parley.ratelimited.frames.total", "socket frames refused or dropped by a rate limit"),
        RATE_LIMITED_REQUESTS("parley.ratelimited.requests.total", "HTTP requests answered 429"),
        BUSY_SENDS("parley.sends.busy.total", "sends refused as busy: the line of sends waiting was full or too slow"),
        RESUMES("parley.resumes.total", "subscriptions that asked to resume (since)"),
        REPLAYED("parley.replayed.messages.total", "messages replayed to resuming subscriptions"),
        UNRECOVERED(
                "parley.resumes.unrecovered.total", "resumes answered recovered:false (gap beyond the replay limit)");

        public final String metric;
        public final String description;

        Count(String metric, String description) {
            this.metric = metric;
            this.description = description;
        }
    }

    /** Values read when asked, from whoever measures them. */
    public enum Level {
        CONNECTIONS("parley.connections", null, "open sockets and streams, all transports"),
        WS_ROOM("parley.connections.open", "ws_room", Level.BY_TRANSPORT),
        WS_CHAT("parley.connections.open", "ws_chat", Level.BY_TRANSPORT),
        SSE("parley.connections.open", "sse", Level.BY_TRANSPORT),
        OUTBOX_MAX("parley.outbox.depth.max", null, "the most frames queued for any one connection now"),
        DELIVERY_LAG(
                "parley.delivery.lag.milliseconds",
                null,
                "how long the oldest committed event waiting for its delivery thread has waited");

        // one metric, one description: the registry refuses a second for the same name
        private static final String BY_TRANSPORT =
                "open connections by transport: ws_room /ws/chat/{room_id}, ws_chat /ws/chat, sse event streams";

        public final String metric;
        /** The {@code transport} tag, or null. */
        public final String transport;

        public final String description;

        Level(String metric, String transport, String description) {
            this.metric = metric;
            this.transport = transport;
            this.description = description;
        }
    }

    private final LongAdder[] counts = new LongAdder[Count.values().length];
    private final Map<Level, LongSupplier> levels = new EnumMap<>(Level.class);
    private final LatencyRecorder commitToWrite = new LatencyRecorder();
    private final Delivered delivered;

    /**
     * The delivery path's meters, as plain objects for it to keep: it counts twice per frame, and
     * each call through this bean's client proxy costs a thread-local push and pop, and their
     * garbage, for a striped add (two fifths of the node's allocation in fan-out).
     */
    public record Delivered(LongAdder deliveries, LatencyRecorder commitToWrite) {

        /** A live message frame is out, {@code sinceCommit} nanoseconds after its commit. */
        public void record(long sinceCommit) {
            deliveries.increment();
            commitToWrite.record(sinceCommit);
        }
    }

    public Meters() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
        delivered = new Delivered(counts[Count.DELIVERIES.ordinal()], commitToWrite);
    }

    /** Where live deliveries are counted; the same counters as {@link #add} and {@link #commitToWrite()}. */
    public Delivered delivered() {
        return delivered;
    }

    public void add(Count count) {
        counts[count.ordinal()].increment();
    }

    public void add(Count count, long n) {
        counts[count.ordinal()].add(n);
    }

    public long total(Count count) {
        return counts[count.ordinal()].sum();
    }

    /** Who measures a level; set once, by the bean that knows it. */
    public synchronized void measure(Level level, LongSupplier source) {
        levels.put(level, source);
    }

    /** A level now; 0 while nobody measures it (its bean has not started: nothing to measure). */
    public long level(Level level) {
        LongSupplier source;
        synchronized (this) {
            source = levels.get(level);
        }
        return source == null ? 0 : source.getAsLong();
    }

    /** From a message's commit on this node to its frame written to a connection. */
    public LatencyRecorder commitToWrite() {
        return commitToWrite;
    }
}
