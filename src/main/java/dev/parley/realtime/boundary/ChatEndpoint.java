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
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Many rooms over one socket: subscribe and unsubscribe frames; ?room= (alias sessionId) at open;
 * the user's direct rooms and membership changes unasked; ?all=true follows every room.
 */
@ServerEndpoint("/ws/chat")
public class ChatEndpoint {

    @Inject
    ChatProtocol protocol;

    /** The room named at open, meant by frames that name none. */
    private Long defaultRoom;

    @OnOpen
    public void open(Session session) {
        Connection connection = protocol.open(session);
        if (connection == null) {
            return;
        }
        Map<String, List<String>> query = session.getRequestParameterMap();
        protocol.openPersonal(connection, "true".equals(first(query, "all")));
        String room = first(query, "room") != null ? first(query, "room") : first(query, "sessionId");
        if (room != null) {
            defaultRoom = RoomEndpoint.roomId(room);
            Long since = first(query, "since") == null ? null : RoomEndpoint.seq(first(query, "since"));
            protocol.text(session, "{\"type\":\"subscribe\",\"room_id\":" + defaultRoom
                    + (since == null ? "" : ",\"since\":" + since) + "}", null, false);
        }
        protocol.opened(session);
    }

    @OnMessage
    public void text(Session session, String text) {
        protocol.text(session, text, defaultRoom, false);
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

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
