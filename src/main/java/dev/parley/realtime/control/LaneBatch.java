package dev.parley.realtime.control;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

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

    private static final Logger LOG = Logger.getLogger(LaneBatch.class.getName());
    private static final ThreadLocal<LaneBatch> CURRENT = new ThreadLocal<>();

    // Connection keeps identity equality: one pump per connection, in the order first queued
    private final Set<Connection> queued = new LinkedHashSet<>();

    private LaneBatch() {}

    /**
     * Runs a lane's waiting tasks, then writes what they queued, each connection once. Whatever
     * a task throws, the others run and every connection that queued a frame is written to: an
     * outbox that queued and was never pumped would stay silent for good.
     */
    static void run(List<Runnable> tasks) {
        LaneBatch batch = new LaneBatch();
        CURRENT.set(batch);
        try {
            for (Runnable task : tasks) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "a delivery task failed", e);
                }
            }
        } finally {
            CURRENT.remove();
            for (Connection connection : batch.queued) {
                try {
                    connection.pump();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "a write to connection " + connection.id() + " failed", e);
                }
            }
        }
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
