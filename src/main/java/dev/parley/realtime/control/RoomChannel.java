package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One room's live subscribers and presence. Committed messages may reach it out of seq order
 * (each commit announces itself on its own thread), so it holds an early seq until the ones
 * before it arrive. Seq order is commit order, so a later seq proves the earlier ones
 * committed: if one is still missing when the reorder window passes, it is read from the
 * database.
 * <p>
 * Frames are queued on the subscribers' outboxes under this channel's lock, which keeps every
 * subscriber's order the same; the writing starts after the lock is released, so no socket
 * I/O ever happens under it.
 */
final class RoomChannel {

    private static final Logger LOG = Logger.getLogger(RoomChannel.class.getName());
    // how often a room tries again to announce users whose changes went past their allowance
    private static final long SETTLE_MILLIS = 1000;

    /** Reads committed messages (after, before) of a room from the database, as frames by seq. */
    interface Backfill {
        Map<Long, EncodedFrame> frames(long roomId, long after, long before);
    }

    /**
     * The rest of the cluster's presence: who is in this room on other nodes (empty on one node),
     * and where this node's own changes are announced.
     */
    interface Neighbours {
        Map<String, ServerFrame.Online> elsewhere(long roomId);

        /** A user's connections here changed; {@code online} null: none left on this node. */
        void here(long roomId, String username, ServerFrame.Online online);
    }

    private final long roomId;
    private final ScheduledExecutorService timer;
    private final long windowMillis;
    private final int maxListed;
    private final Backfill backfill;
    private final Neighbours neighbours;
    private final PresencePace pace;
    private ScheduledFuture<?> settling;
    private final Set<Connection> subscribers = new LinkedHashSet<>();
    // who is here, a user's devices counted as one: kept as subscribers come and go, so a
    // join or leave costs one entry, not a scan of every subscriber
    private final Map<String, ServerFrame.Online> here = new LinkedHashMap<>();
    // connections between registering and catching up: live frames wait here, with their seq (0: not a message)
    private final Map<Connection, List<Map.Entry<Long, EncodedFrame>>> catchingUp = new LinkedHashMap<>();
    /** Subscribing again: out of `here` until caught up, but to the others it never left. */
    private final Set<Connection> rejoining = new LinkedHashSet<>();

    private final TreeMap<Long, EncodedFrame> early = new TreeMap<>();
    private long delivered;
    private ScheduledFuture<?> gapTimeout;

    RoomChannel(
            long roomId,
            long lastSeq,
            ScheduledExecutorService timer,
            long windowMillis,
            int maxListed,
            Backfill backfill,
            Neighbours neighbours,
            PresencePace pace) {
        this.neighbours = neighbours;
        this.pace = pace;
        this.roomId = roomId;
        this.maxListed = maxListed;
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
        if (subscribers.remove(connection)) {
            leave(connection);
            rejoining.add(connection);
        }
        catchingUp.putIfAbsent(connection, new ArrayList<>());
        return delivered;
    }

    /** Second half: subscribed, the replay, then what was kept, skipping seqs the replay covered. */
    void catchUp(Connection connection, EncodedFrame subscribed, List<EncodedFrame> replay, long skipUpTo) {
        List<Connection> kick = new ArrayList<>();
        synchronized (this) {
            List<Map.Entry<Long, EncodedFrame>> kept = catchingUp.remove(connection);
            if (kept == null) {
                return;
            }
            // the others heard no one leave, so they hear no one arrive
            boolean arriving = !rejoining.remove(connection) && !present(connection.username());
            boolean start = connection.offer(subscribed);
            for (EncodedFrame frame : replay) {
                start |= connection.offer(frame);
            }
            for (Map.Entry<Long, EncodedFrame> frame : kept) {
                if (frame.getKey() == 0 || frame.getKey() > skipUpTo) {
                    start |= connection.offer(frame.getValue());
                }
            }
            if (start) {
                kick.add(connection);
            }
            if (subscribers.add(connection)) {
                here.merge(
                        connection.username(),
                        new ServerFrame.Online(
                                connection.username(), connection.user().displayName(), 1),
                        (a, b) -> new ServerFrame.Online(a.username(), a.displayName(), a.connections() + 1));
                neighbours.here(roomId, connection.username(), here.get(connection.username()));
            }
            if (arriving) {
                announce(connection.username(), true, kick);
            }
        }
        kick.forEach(Connection::pump);
    }

    void remove(Connection connection) {
        List<Connection> kick = new ArrayList<>();
        synchronized (this) {
            catchingUp.remove(connection);
            // one closed while subscribing again had left `here` already, unheard by the others
            boolean announced = rejoining.remove(connection);
            if (subscribers.remove(connection)) {
                leave(connection);
                announced = true;
            }
            if (announced && !present(connection.username())) {
                announce(connection.username(), false, kick);
            }
        }
        kick.forEach(Connection::pump);
    }

    synchronized long released() {
        return delivered;
    }

    synchronized boolean isEmpty() {
        return subscribers.isEmpty() && catchingUp.isEmpty();
    }

    synchronized Map<String, ServerFrame.Online> here() {
        return new LinkedHashMap<>(here);
    }

    synchronized List<ServerFrame.Online> online() {
        return new ArrayList<>(everywhere().values());
    }

    /**
     * A user's presence on other nodes changed: the subscribers here hear of it when the user,
     * counting every node, arrived or left.
     */
    void elsewhereChanged(String username, boolean wasElsewhere) {
        List<Connection> kick = new ArrayList<>();
        synchronized (this) {
            boolean before = here.containsKey(username) || wasElsewhere;
            boolean now = present(username);
            if (before != now) {
                announce(username, now, kick);
            }
        }
        kick.forEach(Connection::pump);
    }

    /** A committed message, released to subscribers in seq order. */
    void publish(long seq, EncodedFrame frame) {
        List<Connection> kick = new ArrayList<>(subscribers.size());
        synchronized (this) {
            if (seq <= delivered) {
                // already sent (read from the database to close a gap), or committed before the
                // subscribers' last_seq was read: they have it, or will page it in, either way
                return;
            }
            early.put(seq, frame);
            releaseInOrder(kick);
            if (!early.isEmpty() && gapTimeout == null) {
                gapTimeout = timer.schedule(this::giveUpOnGap, windowMillis, TimeUnit.MILLISECONDS);
            }
        }
        LaneBatch.pump(kick);
    }

    private void releaseInOrder(List<Connection> kick) {
        while (!early.isEmpty() && early.firstKey() == delivered + 1) {
            Map.Entry<Long, EncodedFrame> next = early.pollFirstEntry();
            catchingUp.values().forEach(kept -> kept.add(next));
            toSubscribers(next.getValue(), null, kick);
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
    void syncWithDatabase() {
        List<Connection> kick = new ArrayList<>();
        synchronized (this) {
            backfill.frames(roomId, delivered, Long.MAX_VALUE).forEach(early::putIfAbsent);
            releaseInOrder(kick);
        }
        kick.forEach(Connection::pump);
    }

    private void giveUpOnGap() {
        List<Connection> kick = new ArrayList<>();
        synchronized (this) {
            gapTimeout = null;
            if (!early.isEmpty()) {
                long before = early.firstKey();
                try {
                    backfill.frames(roomId, delivered, before).forEach(early::putIfAbsent);
                } catch (RuntimeException e) {
                    LOG.log(
                            Level.WARNING,
                            "room " + roomId + ": cannot read seqs " + (delivered + 1) + ".." + (before - 1)
                                    + " to close a gap; they are skipped live and stay in history",
                            e);
                }
                if (early.firstKey() != delivered + 1) {
                    delivered = early.firstKey() - 1;
                }
                releaseInOrder(kick);
            }
            if (!early.isEmpty()) {
                gapTimeout = timer.schedule(this::giveUpOnGap, windowMillis, TimeUnit.MILLISECONDS);
            }
        }
        kick.forEach(Connection::pump);
    }

    /**
     * Sends a frame that is not a message (read, edit, typing, presence) to every subscriber,
     * optionally skipping one user's connections; droppable ones are not kept for connections
     * still catching up.
     */
    void broadcast(EncodedFrame frame, String exceptUser) {
        List<Connection> kick = new ArrayList<>(subscribers.size());
        synchronized (this) {
            if (!frame.droppable()) {
                catchingUp.forEach((c, kept) -> {
                    if (exceptUser == null || !exceptUser.equals(c.username())) {
                        kept.add(Map.entry(0L, frame));
                    }
                });
            }
            toSubscribers(frame, exceptUser, kick);
        }
        LaneBatch.pump(kick);
    }

    private void toSubscribers(EncodedFrame frame, String exceptUser, List<Connection> kick) {
        for (Connection c : subscribers) {
            if ((exceptUser == null || !exceptUser.equals(c.username())) && c.offer(frame)) {
                kick.add(c);
            }
        }
    }

    private void leave(Connection connection) {
        ServerFrame.Online left = here.computeIfPresent(
                connection.username(),
                (name, online) -> online.connections() <= 1
                        ? null
                        : new ServerFrame.Online(name, online.displayName(), online.connections() - 1));
        neighbours.here(roomId, connection.username(), left);
    }

    private boolean present(String username) {
        return here.containsKey(username) || neighbours.elsewhere(roomId).containsKey(username);
    }

    /** This node's users and the other nodes', a user's devices on every node counted as one. */
    private Map<String, ServerFrame.Online> everywhere() {
        Map<String, ServerFrame.Online> all = new LinkedHashMap<>(here);
        neighbours.elsewhere(roomId).forEach((user, online) -> all.merge(user, online, ServerFrame.Online::plus));
        return all;
    }

    private void announce(String username, boolean present, List<Connection> kick) {
        if (pace.announceNow(username, present)) {
            toSubscribers(presence(present ? "join" : "leave", username), null, kick);
        } else if (settling == null) {
            // not announced: the user is unsettled now, and a settle will tell the room
            settleLater();
        }
    }

    private void settleLater() {
        try {
            settling = timer.schedule(this::settle, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the node is shutting down: its sockets close, and nobody is left to hear
        }
    }

    /** Announces users whose presence changed unannounced, as far as their allowance goes now. */
    private void settle() {
        List<Connection> kick = new ArrayList<>();
        synchronized (this) {
            settling = null;
            for (String username : pace.settle(this::present)) {
                toSubscribers(presence(present(username) ? "join" : "leave", username), null, kick);
            }
            if (pace.unsettled()) {
                settleLater();
            }
        }
        kick.forEach(Connection::pump);
    }

    private EncodedFrame presence(String event, String username) {
        Map<String, ServerFrame.Online> all = everywhere();
        List<ServerFrame.Online> listed = all.size() <= maxListed ? new ArrayList<>(all.values()) : null;
        return EncodedFrame.of(new ServerFrame.Presence(roomId, event, username, all.size(), listed));
    }
}
