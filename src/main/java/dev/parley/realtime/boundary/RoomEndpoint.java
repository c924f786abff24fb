package dev.parley.realtime.boundary;

import dev.parley.realtime.control.ChatProtocol;
import dev.parley.realtime.control.Connection;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.List;

/** One room, subscribed at open: 4004 when there is no such room, 4003 when the caller is not in it. */
@ServerEndpoint("/ws/chat/{room_id}")
public class RoomEndpoint {

    @Inject
    ChatProtocol protocol;

    private long roomId;

    @OnOpen
    public void open(Session session, @PathParam("room_id") String room) {
        Connection connection = protocol.open(session);
        roomId = roomId(room);
        if (connection != null) {
            List<String> since = session.getRequestParameterMap().get("since");
            protocol.openRoom(connection, roomId, since == null || since.isEmpty() ? null : seq(since.get(0)));
            protocol.opened(session);
        }
    }

    @OnMessage
    public void text(Session session, String text) {
        protocol.text(session, text, roomId, true);
    }

    @OnMessage
    public void binary(Session session, ByteBuffer data) {
        protocol.close(session, 1003, "binary frames are not accepted");
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        protocol.heard(session);
    }

    @OnClose
    public void closed(Session session) {
        protocol.closed(session);
    }

    @OnError
    public void failed(Session session, Throwable error) {
        protocol.closed(session);
    }

    /** A seq from a query; anything unparsable counts as none given. */
    static Long seq(String text) {
        try {
            return Math.max(0, Long.parseLong(text));
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** A room id from a path or query; anything unparsable names no room (0 never exists). */
    static long roomId(String text) {
        try {
            return Math.max(0, Long.parseLong(text));
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }
}
