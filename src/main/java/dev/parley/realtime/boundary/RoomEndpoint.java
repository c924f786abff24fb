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
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.List;

/** One room, subscribed at open: 4004 when there is no such room, 4003 when the caller is not in it. */
@ServerEndpoint(value = "/ws/chat/{room_id}", configurator = EndpointFactory.class)
public class RoomEndpoint {

    private final SocketLifecycle lifecycle;
    private final ChatProtocol protocol;

    /**
     * The constructor the WebSocket specification asks of an annotated endpoint; Open Liberty
     * refuses the deployment without it. {@link EndpointFactory} makes the instances, but a
     * container that made one this way would still get a working endpoint.
     */
    public RoomEndpoint() {
        this(EndpointFactory.lifecycle(), EndpointFactory.protocol());
    }

    RoomEndpoint(SocketLifecycle lifecycle, ChatProtocol protocol) {
        this.lifecycle = lifecycle;
        this.protocol = protocol;
    }

    @OnOpen
    public void open(Session session, @PathParam("room_id") String room) {
        Connection connection = lifecycle.open(session);
        if (connection != null) {
            List<String> since = session.getRequestParameterMap().get("since");
            lifecycle.openRoom(connection, roomId(room), since == null || since.isEmpty() ? null : seq(since.get(0)));
            lifecycle.opened(session);
        }
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

    /** A seq from a query; anything missing or unparsable counts as none given. */
    static Long seq(String text) {
        if (text == null) {
            return null;
        }
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
