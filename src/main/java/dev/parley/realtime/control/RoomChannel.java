package dev.parley.realtime.control;

import dev.parley.realtime.entity.Frames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One room's live subscribers and presence. Committed messages may reach it out of seq order
 * (each commit's after-success callback runs on its own thread), so it holds an early seq until
 * the ones before it arrive. Seq order is commit order, so a later seq proves the earlier ones
 * committed: if one is still missing when the reorder window passes, it is read from the database.
 */
final class RoomChannel {

    private static final Logger LOG = Logger.getLogger(RoomChannel.class.getName());

    /** Reads committed messages (after, before) of a room from the database, as frames by seq. */
    interface Backfill {
        Map<Long, String> frames(long roomId, long after, long before);
    }

    private final long roomId;
    private final ScheduledExecutorService timer;
    private final long windowMillis;
    private final Backfill backfill;
    private final Set<Connection> subscribers = new LinkedHashSet<>();
    // connections between registering and catching up: live frames wait here, with their seq (0: not a message)
    private final Map<Connection, List<Map.Entry<Long, String>>> catchingUp = new LinkedHashMap<>();
    private final TreeMap<Long, String> early = new TreeMap<>();
    private long delivered;
    private ScheduledFuture<?> gapTimeout;

    RoomChannel(long roomId, long lastSeq, ScheduledExecutorService timer, long windowMillis, Backfill backfill) {
        this.roomId = roomId;
        this.delivered = lastSeq;
        this.timer = timer;
        this.windowMillis = windowMillis;
        this.backfill = backfill;
    }

    /**
     * First half of a subscription: from now on the room's frames are kept for this connection.
     * Returns the last seq released to subscribers; the caller reads anything it needs up to
     * there from the database, then calls {@link #catchUp}. Registering before reading is what
     * closes the race: a message is either at most that seq (read) or later (kept here).
     */
    synchronized long register(Connection connection) {
        // subscribing again starts over: live frames wait until the new replay is out
        subscribers.remove(connection);
        catchingUp.putIfAbsent(connection, new ArrayList<>());
        return delivered;
    }

    /** Second half: subscribed, the replay, then what was kept, skipping seqs the replay covered. */
    synchronized void catchUp(Connection connection, String subscribed, List<String> replay, long skipUpTo) {
        List<Map.Entry<Long, String>> kept = catchingUp.remove(connection);
        if (kept == null) {
            return;
        }
        boolean arriving = !present(connection.username());
        connection.send(subscribed, false);
        replay.forEach(frame -> connection.send(frame, false));
        for (Map.Entry<Long, String> frame : kept) {
            if (frame.getKey() == 0 || frame.getKey() > skipUpTo) {
                connection.send(frame.getValue(), false);
            }
        }
        subscribers.add(connection);
        if (arriving) {
            broadcast(presence("join", connection), true, null);
        }
    }

    synchronized void remove(Connection connection) {
        catchingUp.remove(connection);
        if (subscribers.remove(connection) && !present(connection.username())) {
            broadcast(presence("leave", connection), true, null);
        }
    }

    synchronized boolean isEmpty() {
        return subscribers.isEmpty() && catchingUp.isEmpty();
    }

    synchronized List<Connection> connectionsOf(String username) {
        return subscribers.stream().filter(c -> c.username().equals(username)).toList();
    }

    synchronized List<Frames.Online> online() {
        Map<String, Frames.Online> online = new LinkedHashMap<>();
        for (Connection c : subscribers) {
            online.merge(c.username(), new Frames.Online(c.username(), c.user().displayName(), 1),
                    (a, b) -> new Frames.Online(a.username(), a.displayName(), a.connections() + 1));
        }
        return new ArrayList<>(online.values());
    }

    /** A committed message, released to subscribers in seq order. */
    synchronized void publish(long seq, String frame) {
        if (seq <= delivered) {
            // already sent (read from the database to close a gap), or committed before the
            // subscribers' last_seq was read: they have it, or will page it in, either way
            return;
        }
        early.put(seq, frame);
        releaseInOrder();
        if (!early.isEmpty() && gapTimeout == null) {
            gapTimeout = timer.schedule(this::giveUpOnGap, windowMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void releaseInOrder() {
        while (!early.isEmpty() && early.firstKey() == delivered + 1) {
            Map.Entry<Long, String> next = early.pollFirstEntry();
            catchingUp.values().forEach(kept -> kept.add(next));
            toSubscribers(next.getValue(), false, null);
            delivered++;
        }
        if (early.isEmpty() && gapTimeout != null) {
            gapTimeout.cancel(false);
            gapTimeout = null;
        }
    }

    /**
     * Catches a new channel up with the database: a message that committed after its creator read
     * the room's last seq, but was published before the channel existed, would otherwise be lost.
     */
    synchronized void syncWithDatabase() {
        backfill.frames(roomId, delivered, Long.MAX_VALUE).forEach(early::putIfAbsent);
        releaseInOrder();
    }

    private synchronized void giveUpOnGap() {
        gapTimeout = null;
        if (!early.isEmpty()) {
            long before = early.firstKey();
            try {
                backfill.frames(roomId, delivered, before).forEach(early::putIfAbsent);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "room " + roomId + ": cannot read seqs " + (delivered + 1) + ".." + (before - 1)
                        + " to close a gap; they are skipped live and stay in history", e);
            }
            if (early.firstKey() != delivered + 1) {
                delivered = early.firstKey() - 1;
            }
            releaseInOrder();
        }
        if (!early.isEmpty()) {
            gapTimeout = timer.schedule(this::giveUpOnGap, windowMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends one encoded frame that is not a message (read, typing, presence) to every
     * subscriber, optionally skipping one user's connections; ephemeral ones are not kept for
     * connections still catching up.
     */
    synchronized void broadcast(String frame, boolean droppable, String exceptUser) {
        catchingUp.forEach((c, kept) -> {
            if (!droppable && (exceptUser == null || !exceptUser.equals(c.username()))) {
                kept.add(Map.entry(0L, frame));
            }
        });
        toSubscribers(frame, droppable, exceptUser);
    }

    private void toSubscribers(String frame, boolean droppable, String exceptUser) {
        for (Connection c : subscribers) {
            if (exceptUser == null || !exceptUser.equals(c.username())) {
                c.send(frame, droppable);
            }
        }
    }

    private boolean present(String username) {
        return subscribers.stream().anyMatch(c -> c.username().equals(username));
    }

    private String presence(String event, Connection who) {
        return FrameCodec.encode("presence", new Frames.Presence(roomId, event, who.username(), online()));
    }
}
