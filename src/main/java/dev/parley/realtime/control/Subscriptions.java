package dev.parley.realtime.control;

import dev.parley.rooms.control.RoomDirectory;
import dev.parley.rooms.control.Rooms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** Which rooms a connection follows, checked against the user's memberships. */
@ApplicationScoped
public class Subscriptions {

    @Inject
    SessionRegistry registry;

    @Inject
    Rooms rooms;

    @Inject
    RoomDirectory directory;

    @Inject
    DirectRoomBook directs;

    /** Follows one room the user belongs to (404 invisible, 403 not a member), resuming after {@code since}. */
    public void follow(Connection connection, long roomId, Long since) {
        registry.subscribe(
                connection,
                roomId,
                rooms.joined(connection.user(), roomId).room().lastSeq(),
                since);
    }

    /** Follows every room the user belongs to, and from now on every room they join. */
    public void followAll(Connection connection) {
        connection.followAll();
        directory.lastSeqsJoinedBy(connection.user()).forEach((roomId, lastSeq) -> {
            if (!connection.rooms().contains(roomId)) {
                registry.subscribe(connection, roomId, lastSeq, null);
            }
        });
    }

    /** A /ws/chat connection's own traffic: the user's direct rooms, followed unasked. */
    public void followDirects(Connection connection) {
        List<Long> notLive = new ArrayList<>();
        for (long roomId : directs.roomIdsOf(connection.user())) {
            // a room made while this socket opened may already be followed, by its joined event
            if (!connection.rooms().contains(roomId) && !registry.subscribeIfLive(connection, roomId)) {
                notLive.add(roomId);
            }
        }
        if (!notLive.isEmpty()) {
            directory.lastSeqs(notLive).forEach((roomId, lastSeq) -> {
                if (!connection.rooms().contains(roomId)) {
                    registry.subscribe(connection, roomId, lastSeq, null);
                }
            });
        }
    }
}
