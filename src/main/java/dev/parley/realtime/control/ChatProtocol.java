package dev.parley.realtime.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.control.Tokens;
import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.User;
import dev.parley.messages.control.Messages;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.JsonInput;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.entity.Frames;
import dev.parley.rooms.control.Memberships;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.RoomSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a socket may say and what it gets back. Endpoints stay thin and hand every frame here;
 * sends go through the same {@link Messages} path as REST.
 */
@ApplicationScoped
public class ChatProtocol {

    private static final Logger LOG = Logger.getLogger(ChatProtocol.class.getName());
    private static final String CONNECTION = "parley.connection";

    @Inject
    SessionRegistry registry;

    @Inject
    Accounts accounts;

    @Inject
    Tokens tokens;

    @Inject
    Rooms rooms;

    @Inject
    Memberships memberships;

    @Inject
    Messages messages;

    @Inject
    RateLimits rateLimits;

    @Inject
    @ConfigProperty(name = "parley.ws.max-frame-bytes", defaultValue = "65536")
    int maxFrameBytes;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.abuse-strikes", defaultValue = "30")
    int abuseStrikes;

    /** Opens a connection for the identity the handshake filter verified; null when there is none. */
    public Connection open(Session session) {
        if (!(session.getUserPrincipal() instanceof Admission admission)) {
            close(session, 1008, "no verified identity");
            return null;
        }
        admission.slot().claim();
        Identity identity = admission.identity();
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        session.setMaxBinaryMessageBufferSize(maxFrameBytes);
        User user = accounts.byUsername(identity.username()).orElseGet(() -> accounts.provision(identity.username()));
        Connection connection = registry.connect(new SocketTransport(session), user, identity, admission.slot());
        session.getUserProperties().put(CONNECTION, connection);
        connection.send(FrameCodec.encode("connected", new Frames.Connected(user.profile(), connection.id())), false);
        return connection;
    }

    /** On /ws/chat/{room_id}: the room is the connection's reason to exist, so a refusal closes it. */
    public void openRoom(Connection connection, long roomId, Long since) {
        try {
            subscribe(connection, roomId, since);
        } catch (Refusal refusal) {
            error(connection, refusal, null);
            connection.closeAfterQueued(refusal.status() == 404 ? 4004 : 4003, refusal.code());
        }
    }

    /** On /ws/chat: the user's direct rooms come unasked; with all, every room they belong to. */
    public void openPersonal(Connection connection, boolean all) {
        connection.makePersonal();
        if (all) {
            followAll(connection);
        } else {
            rooms.directsOf(connection.user())
                    .forEach(direct -> registry.subscribe(connection, direct.roomId(), direct.lastSeq(), null));
        }
    }

    private void followAll(Connection connection) {
        connection.followAll();
        rooms.listedFor(connection.user()).stream()
                .filter(RoomSummary::member)
                .filter(room -> !connection.rooms().contains(room.id()))
                .forEach(room -> registry.subscribe(connection, room.id(), room.lastSeq(), null));
    }

    /**
     * One client frame. {@code room} is the room a frame without room_id means: the path's on
     * /ws/chat/{room_id} ({@code pinned}: no other room may be named), or the one the query
     * subscribed at open on /ws/chat, as seed clients expect.
     */
    public void text(Session session, String text, Long room, boolean pinned) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            return;
        }
        connection.heard();
        // the container enforces the buffer size on fragmented messages only; one big frame is checked here
        if (text.length() > maxFrameBytes || (text.length() * 3L > maxFrameBytes
                && text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes)) {
            connection.close(1009, "frame larger than " + maxFrameBytes + " bytes");
            return;
        }
        String ref = null;
        try {
            JsonInput frame = JsonInput.parse(text);
            String type = frame.string("type", 1, 32, true);
            ref = frame.string("ref", 0, 64, false);
            String clientId = frame.string("client_id", 0, Integer.MAX_VALUE, false);
            ref = ref != null ? ref : clientId;
            frame.validate();
            switch (type) {
                case "message" -> send(connection, frame, room(frame, room, pinned), clientId);
                case "typing" -> typing(connection, frame, room(frame, room, pinned));
                case "read" -> read(connection, frame, room(frame, room, pinned));
                case "subscribe" -> {
                    if (frame.is("room_id", "all") && connection.isPersonal()) {
                        followAll(connection);
                    } else {
                        subscribe(connection, room(frame, room, pinned), frame.number("since", false));
                    }
                }
                case "auth" -> authenticate(connection, frame);
                case "unsubscribe" -> registry.unsubscribe(connection, room(frame, room, pinned));
                case "ping", "heartbeat" -> connection.send(FrameCodec.encode("pong", new Frames.Empty()), false);
                default -> throw new Refusal(400, "unknown_type", "Unknown type", "unknown frame type " + type, null);
            }
            connection.forgive();
        } catch (Refusal refusal) {
            error(connection, refusal, ref);
            if (refusal.status() == 429 && connection.strike() >= abuseStrikes) {
                connection.closeAfterQueued(4029, "rate limit exceeded");
            }
        } catch (RuntimeException unexpected) {
            String id = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "unexpected error on a socket frame, ref " + id, unexpected);
            connection.send(FrameCodec.encode("error", new Frames.Error("internal", "unexpected error, reference " + id, ref)), false);
        }
    }

    /** The endpoint's open is done: the connection may write. */
    public void opened(Session session) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection != null) {
            connection.release();
        }
    }

    public void closed(Session session) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection != null) {
            registry.unregister(connection);
        }
    }

    public void heard(Session session) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection != null) {
            connection.heard();
        }
    }

    public void close(Session session, int code, String reason) {
        Connection connection = (Connection) session.getUserProperties().get(CONNECTION);
        if (connection != null) {
            connection.close(code, reason);
        } else {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } catch (IOException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        }
    }

    private void subscribe(Connection connection, long roomId, Long since) {
        registry.subscribe(connection, roomId, rooms.joined(connection.user(), roomId).room().lastSeq(), since);
    }

    // a later token for the same user keeps the connection open past the first one's expiry
    private void authenticate(Connection connection, JsonInput frame) {
        String token = frame.string("token", 1, 16_384, true);
        frame.validate();
        Identity renewed = tokens.verify(token).orElseThrow(() -> Refusal.unauthorized("the token is not valid"));
        if (!renewed.username().equalsIgnoreCase(connection.username())) {
            throw Refusal.forbidden("the token is for another user");
        }
        connection.reauthenticate(renewed);
        registry.watchExpiry(connection);
        connection.send(FrameCodec.encode("authenticated", new Frames.Authenticated(renewed.expiresAt())), false);
    }

    private void send(Connection connection, JsonInput frame, long roomId, String clientId) {
        String content = frame.string("content", 0, Integer.MAX_VALUE, false);
        String type = frame.string("message_type", 0, Integer.MAX_VALUE, false);
        frame.validate();
        Posted posted = messages.post(connection.user(), roomId, new Draft(content, clientId, type));
        var message = posted.message();
        connection.send(FrameCodec.encode("ack", new Frames.Ack(clientId, roomId, message.id(), message.seq(),
                posted.duplicate())), false);
    }

    private void typing(Connection connection, JsonInput frame, long roomId) {
        Boolean isTyping = frame.bool("is_typing", false);
        frame.validate();
        if (!connection.rooms().contains(roomId)) {
            throw new Refusal(403, "not_member", "Forbidden", "subscribe to room " + roomId + " before typing in it", null);
        }
        if (rateLimits.takeTyping(connection.username())) {
            registry.typing(connection, roomId, isTyping == null || isTyping);
        }
    }

    private void read(Connection connection, JsonInput frame, long roomId) {
        Long seq = frame.number("seq", true);
        frame.validate();
        memberships.markRead(connection.user(), roomId, seq);
    }

    private static long room(JsonInput frame, Long room, boolean pinned) {
        Long named = frame.number("room_id", room == null);
        frame.validate();
        if (pinned && named != null && !named.equals(room)) {
            throw Refusal.invalid("room_id", "this connection is for room " + room);
        }
        return named != null ? named : room;
    }

    private static void error(Connection connection, Refusal refusal, String ref) {
        connection.send(FrameCodec.encode("error", new Frames.Error(refusal.code(), refusal.getMessage(), ref)), false);
    }
}
