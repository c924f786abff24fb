package dev.parley.realtime.boundary;

import dev.parley.realtime.control.ChatProtocol;
import dev.parley.realtime.control.Connection;
import dev.parley.realtime.control.SocketLifecycle;
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
@ServerEndpoint(value = "/ws/chat", configurator = EndpointFactory.class)
public class ChatEndpoint {

    private final SocketLifecycle lifecycle;
    private final ChatProtocol protocol;

    /**
     * The constructor the WebSocket specification asks of an annotated endpoint; Open Liberty
     * refuses the deployment without it. {@link EndpointFactory} makes the instances, but a
     * container that made one this way would still get a working endpoint.
     */
    public ChatEndpoint() {
        this(EndpointFactory.lifecycle(), EndpointFactory.protocol());
    }

    ChatEndpoint(SocketLifecycle lifecycle, ChatProtocol protocol) {
        this.lifecycle = lifecycle;
        this.protocol = protocol;
    }

    @OnOpen
    public void open(Session session) {
        Connection connection = lifecycle.open(session);
        if (connection == null) {
            return;
        }
        Map<String, List<String>> query = session.getRequestParameterMap();
        String room = first(query, "room") != null ? first(query, "room") : first(query, "sessionId");
        lifecycle.openPersonal(
                connection,
                "true".equals(first(query, "all")),
                room == null ? null : RoomEndpoint.roomId(room),
                RoomEndpoint.seq(first(query, "since")));
        lifecycle.opened(session);
    }

    @OnMessage
    public void text(Session session, String text) {
        Connection connection = lifecycle.of(session);
        if (connection != null) {
            protocol.text(connection, text);
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer data) {
        lifecycle.close(session, 1003, "binary frames are not accepted");
    }

    @OnMessage
    public void pong(Session session, PongMessage pong) {
        lifecycle.heard(session);
    }

    @OnClose
    public void closed(Session session) {
        lifecycle.closed(session);
    }

    @OnError
    public void failed(Session session, Throwable error) {
        lifecycle.closed(session);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
