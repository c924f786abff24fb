package dev.parley.cluster.control;

import dev.parley.messages.control.History;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.realtime.control.DeliveryThreads;
import dev.parley.realtime.control.EncodedFrame;
import dev.parley.realtime.control.LocalDelivery;
import dev.parley.realtime.control.RoomEvent;
import dev.parley.realtime.control.SessionRegistry;
import dev.parley.realtime.entity.ServerFrame;
import dev.parley.rooms.control.RoomDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Redis pub/sub is at most once. A lost message in the middle of a room shows as a gap that the
 * reorder window fills from the database; a lost LAST message leaves no later seq to show it.
 * So every tick compares, for the rooms this node has subscribers in, the seq released here with
 * the room's last seq in the database, and reads what is missing through the same channel, which
 * never releases a seq twice. A message still on its way is not read early: a room is read only
 * when it was already behind the database at the previous tick (or at once after Redis returns).
 */
@ApplicationScoped
public class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class.getName());

    @Inject
    SessionRegistry registry;

    @Inject
    RoomDirectory directory;

    @Inject
    DeliveryThreads threads;

    @Inject
    History history;

    @Inject
    LocalDelivery local;

    // room -> the database's last seq when this node was last seen behind it
    private Map<Long, Long> behind = Map.of();

    /** {@code now}: read every room that is behind at once (Redis came back); else only those behind since the last tick. */
    synchronized void check(boolean now) {
        Map<Long, Long> released = registry.released();
        if (released.isEmpty()) {
            behind = Map.of();
            return;
        }
        Map<Long, Long> stored;
        try {
            stored = directory.lastSeqs(released.keySet());
        } catch (RuntimeException unreadable) {
            LOG.log(
                    Level.WARNING,
                    "cannot read the rooms' last seqs to catch up; trying again at the next tick",
                    unreadable);
            return;
        }
        Map<Long, Long> stillBehind = new HashMap<>();
        stored.forEach((room, last) -> {
            long here = released.getOrDefault(room, last);
            if (last <= here) {
                return;
            }
            Long before = behind.get(room);
            if (now || (before != null && before > here)) {
                threads.inLane(room, () -> registry.syncWithDatabase(room));
            }
            stillBehind.put(room, last);
        });
        behind = stillBehind;
    }

    /**
     * Edits and deletes carry no seq, so no gap shows them missing: after Redis was away, the
     * changes made since {@code since} in the rooms this node has subscribers in are delivered
     * again to its own connections. A change a socket already had comes twice; both frames say
     * the same, so applying it twice changes nothing.
     */
    void replayChanges(Instant since) {
        List<ChatMessage> changed;
        try {
            changed = history.changedSince(registry.released().keySet(), since);
        } catch (RuntimeException unreadable) {
            LOG.log(Level.WARNING, "cannot read the edits and deletes made while Redis was away", unreadable);
            return;
        }
        for (ChatMessage message : changed) {
            ServerFrame frame = message.deleted()
                    ? new ServerFrame.Deleted(message.roomId(), message.seq(), message.id())
                    : new ServerFrame.Edited(message);
            local.deliver(new RoomEvent.Changed(message.roomId(), EncodedFrame.of(frame)));
        }
        if (!changed.isEmpty()) {
            LOG.info(() -> changed.size() + " edits and deletes made while Redis was away were delivered again");
        }
    }
}
