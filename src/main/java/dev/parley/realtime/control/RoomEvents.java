package dev.parley.realtime.control;

import dev.parley.messages.entity.MessageDeleted;
import dev.parley.messages.entity.MessageEdited;
import dev.parley.realtime.entity.Frames;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.MarkerMoved;
import dev.parley.rooms.entity.MembershipEnded;
import dev.parley.rooms.entity.MembershipStarted;
import dev.parley.rooms.entity.RoomSummary;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Everything but new messages that a commit changes for live clients: read markers, edits,
 * deletes, and memberships. Observed only after commit, like messages.
 */
@ApplicationScoped
public class RoomEvents {

    @Inject
    SessionRegistry registry;

    @Inject
    Rooms rooms;

    @Resource
    ManagedExecutorService executor;

    void markerMoved(@Observes(during = TransactionPhase.AFTER_SUCCESS) MarkerMoved event) {
        registry.broadcast(event.roomId(), FrameCodec.encode("read", new Frames.Read(event.roomId(), event.username(),
                event.seq())));
    }

    void edited(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageEdited event) {
        registry.broadcast(event.message().roomId(), FrameCodec.encode("message_edited", new Frames.Edited(event.message())));
    }

    void deleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageDeleted event) {
        registry.broadcast(event.roomId(), FrameCodec.encode("message_deleted", event));
    }

    /** A user who left a room stops receiving it on every connection at once, and is told so. */
    void membershipEnded(@Observes(during = TransactionPhase.AFTER_SUCCESS) MembershipEnded event) {
        String removed = FrameCodec.encode("room_removed", new Frames.RoomRemoved(event.roomId()));
        for (Connection c : registry.connectionsOf(event.username())) {
            boolean followed = c.rooms().contains(event.roomId());
            if (followed) {
                registry.unsubscribe(c, event.roomId());
            }
            if (followed || c.isPersonal()) {
                c.send(removed, false);
            }
            if (followed && !c.isPersonal() && c.rooms().isEmpty()) {
                // a one-room socket or stream has nothing left to carry
                c.closeAfterQueued(4003, "no longer a member");
            }
        }
    }

    /**
     * A new membership: the user's /ws/chat connections hear room_added, and follow the room if it
     * is a direct one or they follow all rooms. Off the committing thread: this reads the database.
     */
    void membershipStarted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MembershipStarted event) {
        List<Connection> personal = registry.connectionsOf(event.username()).stream()
                .filter(Connection::isPersonal)
                .toList();
        if (!personal.isEmpty()) {
            executor.execute(() -> announce(event, personal));
        }
    }

    private void announce(MembershipStarted event, List<Connection> personal) {
        long roomId = event.roomId();
        RoomSummary room = rooms.summary(personal.get(0).user(), roomId);
        String added = FrameCodec.encode("room_added", new Frames.RoomAdded(room));
        for (Connection c : personal) {
            c.send(added, false);
            if ((c.followsAll() || room.visibility().equals("direct")) && !c.rooms().contains(roomId)) {
                registry.subscribe(c, roomId, room.lastSeq(), event.since());
            }
        }
    }
}
