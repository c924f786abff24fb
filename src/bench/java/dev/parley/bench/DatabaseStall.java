package dev.parley.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A database that stops answering for a while, as one does in a failover or behind a long lock:
 * the bench's own PostgreSQL session takes an exclusive lock on {@code rooms} (which every send
 * locks a row of, and most reads join) and holds it for the given time, then lets go.
 */
final class DatabaseStall {

    private final Settings settings;
    private final Duration length;
    private Thread thread;

    DatabaseStall(Settings settings, Duration length) {
        this.settings = settings;
        this.length = length;
    }

    /** Starts the stall at {@code atNanos} (on {@link BenchClock}) and returns at once. */
    void startAt(long atNanos) {
        thread = new Thread(
                () -> {
                    try {
                        BenchClock.sleepUntil(atNanos);
                    } catch (InterruptedException e) {
                        return;
                    }
                    hold();
                },
                "database-stall");
        thread.setDaemon(true);
        thread.start();
    }

    void join() throws InterruptedException {
        if (thread != null) {
            thread.join(length.toMillis() + 30_000);
        }
    }

    private void hold() {
        try (Connection db = DriverManager.getConnection(settings.pgUrl(settings.pgDatabase), settings.pgUser, "");
                Statement statement = db.createStatement()) {
            db.setAutoCommit(false);
            statement.execute("lock table rooms in access exclusive mode");
            Rig.log(String.format("stall: the rooms table is locked for %d s", length.toSeconds()));
            statement.execute("select pg_sleep(" + length.toMillis() / 1000.0 + ")");
            db.commit();
            Rig.log("stall: the lock is released");
        } catch (SQLException e) {
            Rig.log("stall: FAILED, the database was not stalled: " + e.getMessage());
        }
    }
}
