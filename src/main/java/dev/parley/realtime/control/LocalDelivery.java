package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.RoomSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Committed room events to this node's connections. Each event runs in its room's lane, so a
 * room's events leave in the order they were announced, off the committing thread, and a
 * delivery costs no container hop.
 */
@ApplicationScoped
public class LocalDelivery {

    @Inject
    SessionRegistry registry;

    @Inject
    DeliveryThreads threads;

    @Inject
    Rooms rooms;

    @Inject
    DirectRoomBook directs;

    public void deliver(RoomEvent event) {
        threads.inLane(event.roomId(), () -> apply(event));
    }

    private void apply(RoomEvent event) {
        if (event instanceof RoomEvent.Posted posted) {
            // from another node: its commit time means nothing here, so the latency runs from arrival
            EncodedFrame frame =
                    posted.frame().committedNanos() == 0 ? posted.frame().live() : posted.frame();
            registry.publish(posted.roomId(), posted.seq(), frame);
        } else if (event instanceof RoomEvent.Changed changed) {
            registry.broadcast(changed.roomId(), changed.frame(), null);
        } else if (event instanceof RoomEvent.Typing typing) {
            registry.broadcast(typing.roomId(), typing.frame(), typing.username());
        } else if (event instanceof RoomEvent.Joined joined) {
            directs.forget(joined.username());
            joined(joined);
        } else if (event instanceof RoomEvent.Left left) {
            directs.forget(left.username());
            left(left);
        }
    }

    /** A user who left a room stops receiving it on every connection at once, and is told so. */
    private void left(RoomEvent.Left event) {
        EncodedFrame removed = EncodedFrame.of(new ServerFrame.RoomRemoved(event.roomId()));
        for (Connection c : registry.connectionsOf(event.username())) {
            boolean followed = c.rooms().contains(event.roomId());
            if (followed) {
                registry.unsubscribe(c, event.roomId());
            }
            if (followed || c.isPersonal()) {
                c.send(removed);
            }
            if (followed && !c.isPersonal() && c.rooms().isEmpty()) {
                // a one-room socket or stream has nothing left to carry
                if (event.roomDeleted()) {
                    c.closeAfterQueued(4004, "room deleted");
                } else {
                    c.closeAfterQueued(4003, "no longer a member");
                }
            }
        }
    }

    /** A new membership: the user's /ws/chat connections hear room_added, and follow the room if it is direct or they follow all. */
    private void joined(RoomEvent.Joined event) {
        List<Connection> personal = registry.connectionsOf(event.username()).stream()
                .filter(Connection::isPersonal)
                .toList();
        if (personal.isEmpty()) {
            return;
        }
        RoomSummary room = rooms.summary(personal.get(0).user(), event.roomId());
        EncodedFrame added = EncodedFrame.of(new ServerFrame.RoomAdded(room));
        for (Connection c : personal) {
            c.send(added);
            if ((c.followsAll() || room.visibility().equals("direct"))
                    && !c.rooms().contains(event.roomId())) {
                registry.subscribe(c, event.roomId(), room.lastSeq(), event.since());
            }
        }
    }
}
