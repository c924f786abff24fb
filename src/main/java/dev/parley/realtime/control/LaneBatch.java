package dev.parley.realtime.control;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The events a delivery lane found waiting, queued to every subscriber before any of them is
 * written. A write costs the kernel about as much per call as all of Parley's work for a
 * delivery (docs/performance.md), so when events come faster than a lane writes them, each
 * connection's frames leave together in one write: the busier the room, the cheaper each
 * delivery. A lane that keeps up takes one event at a time and nothing waits.
 * <p>
 * Only the lane's own thread defers; a publish from any other thread writes at once.
 */
final class LaneBatch {

    private static final ThreadLocal<LaneBatch> CURRENT = new ThreadLocal<>();

    // Connection keeps identity equality: one pump per connection, in the order first queued
    private final Set<Connection> queued = new LinkedHashSet<>();

    private LaneBatch() {}

    /** Runs a lane's waiting tasks, then writes what they queued, each connection once. */
    static void run(List<Runnable> tasks) {
        LaneBatch batch = new LaneBatch();
        CURRENT.set(batch);
        try {
            tasks.forEach(Runnable::run);
        } finally {
            CURRENT.remove();
        }
        batch.queued.forEach(Connection::pump);
    }

    /** Starts writing to connections that have frames queued: now, or when the lane's batch ends. */
    static void pump(List<Connection> kicked) {
        LaneBatch batch = CURRENT.get();
        if (batch == null) {
            kicked.forEach(Connection::pump);
        } else {
            batch.queued.addAll(kicked);
        }
    }
}
