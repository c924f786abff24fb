package dev.parley.realtime.control;

import dev.parley.accounts.control.Tokens;
import dev.parley.accounts.entity.Identity;
import dev.parley.messages.control.GroupCommit;
import dev.parley.messages.control.SendLine;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.JsonInput;
import dev.parley.platform.control.Meters;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.entity.ServerFrame;
import dev.parley.rooms.control.Memberships;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a socket may say and what it gets back, frame by frame. Sends go through the same
 * {@link Messages} path as REST; a refused frame is answered by an {@code error} frame and the
 * socket stays open, unless the client keeps flooding (4029).
 */
@ApplicationScoped
public class ChatProtocol {

    private static final Logger LOG = Logger.getLogger(ChatProtocol.class.getName());

    @Inject
    SessionRegistry registry;

    @Inject
    Subscriptions subscriptions;

    @Inject
    Tokens tokens;

    @Inject
    Memberships memberships;

    @Inject
    GroupCommit groupCommit;

    @Inject
    SendLine sendLine;

    @Inject
    DeliveryThreads delivery;

    @Inject
    RateLimits rateLimits;

    @Inject
    Meters meters;

    @Inject
    Event<RoomEvent.Typing> typed;

    @Inject
    @ConfigProperty(name = "parley.ws.max-frame-bytes", defaultValue = "65536")
    int maxFrameBytes;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.abuse-strikes", defaultValue = "30")
    int abuseStrikes;

    // every frame costs its parse and its answer, whatever it asks: a socket's own allowance
    // bounds what one connection can make the node do, junk and pings included
    @Inject
    @ConfigProperty(name = "parley.ratelimit.frames.capacity", defaultValue = "2000")
    double frameCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.frames.per-second", defaultValue = "100")
    double framesPerSecond;

    /** One client frame on an open connection. */
    public void text(Connection connection, String text) {
        connection.heard();
        if (connection.isClosed()) {
            // logged out, banned or refused, its close still to come: nothing it says counts now
            return;
        }
        // the container enforces the buffer size on fragmented messages only; one big frame is checked here
        if (text.length() > maxFrameBytes
                || (text.length() * 3L > maxFrameBytes
                        && text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes)) {
            connection.close(1009, "frame larger than " + maxFrameBytes + " bytes");
            return;
        }
        long wait = connection.takeFrame(frameCapacity, framesPerSecond, System.nanoTime());
        if (wait > 0) {
            refuse(connection, Refusal.rateLimitedFor(wait), null, connection.overruns());
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
                case "message" -> send(connection, frame, room(connection, frame), clientId, ref);
                case "typing" -> typing(connection, frame, room(connection, frame));
                case "read" -> read(connection, frame, room(connection, frame));
                case "subscribe" -> {
                    if (frame.is("room_id", "all") && connection.isPersonal()) {
                        rateLimits.takeSubscription(connection.username());
                        subscriptions.followAll(connection);
                    } else {
                        long room = room(connection, frame);
                        Long since = frame.number("since", false);
                        frame.validate();
                        rateLimits.takeSubscription(connection.username());
                        subscriptions.follow(connection, room, since);
                    }
                }
                case "unsubscribe" -> {
                    long room = room(connection, frame);
                    rateLimits.takeSubscription(connection.username());
                    registry.unsubscribe(connection, room);
                }
                case "auth" -> authenticate(connection, frame);
                case "ping", "heartbeat" -> connection.send(new ServerFrame.Pong());
                default -> throw new Refusal(400, "unknown_type", "Unknown type", "unknown frame type " + type, null);
            }
            connection.forgive();
        } catch (Refusal refusal) {
            refuse(connection, refusal, ref, refusal.status() == 429 ? connection.strike() : 0);
        } catch (RuntimeException unexpected) {
            connection.send(unexpected(unexpected, ref));
        }
    }

    /** Answers a refused frame; a client still flooding after {@code strikes} rate-limited ones is closed. */
    private void refuse(Connection connection, Refusal refusal, String ref, int strikes) {
        connection.send(new ServerFrame.Error(refusal.code(), refusal.getMessage(), ref));
        if (refusal.status() == 429) {
            meters.add(Meters.Count.RATE_LIMITED_FRAMES);
            if (strikes >= abuseStrikes) {
                connection.closeAfterQueued(4029, "rate limit exceeded");
            }
        }
    }

    private static ServerFrame.Error unexpected(Throwable unexpected, String ref) {
        String id = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "unexpected error on a socket frame, ref " + id, unexpected);
        return new ServerFrame.Error("internal", "unexpected error, reference " + id, ref);
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
        connection.send(new ServerFrame.Authenticated(renewed.expiresAt()));
    }

    /**
     * The frame's thread does not wait for the commit: with 64 request threads, sends parked in
     * their commits left none for other sockets' frames near the core's limit (docs/performance.md,
     * "Socket sends without a parked thread"). The answer leaves from the room's delivery lane.
     */
    private void send(Connection connection, JsonInput frame, long roomId, String clientId, String ref) {
        String content = frame.string("content", 0, Integer.MAX_VALUE, false);
        String type = frame.string("message_type", 0, Integer.MAX_VALUE, false);
        frame.validate();
        Draft draft = new Draft(content, clientId, type);
        sendLine.start(() -> groupCommit.submit(connection.user(), roomId, draft))
                .whenComplete((posted, failed) -> delivery.inLane(
                        roomId, () -> connection.sendWithLane(answer(posted, failed, roomId, clientId, ref))));
    }

    private static ServerFrame answer(Posted posted, Throwable failed, long roomId, String clientId, String ref) {
        if (failed == null) {
            var message = posted.message();
            return new ServerFrame.Ack(clientId, roomId, message.id(), message.seq(), posted.duplicate());
        }
        Throwable cause =
                failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed;
        return cause instanceof Refusal refusal
                ? new ServerFrame.Error(refusal.code(), refusal.getMessage(), ref)
                : unexpected(cause, ref);
    }

    private void typing(Connection connection, JsonInput frame, long roomId) {
        Boolean isTyping = frame.bool("is_typing", false);
        frame.validate();
        if (!connection.rooms().contains(roomId)) {
            throw new Refusal(
                    403, "not_member", "Forbidden", "subscribe to room " + roomId + " before typing in it", null);
        }
        if (rateLimits.takeTyping(connection.username())) {
            ServerFrame typing = new ServerFrame.Typing(roomId, connection.username(), isTyping == null || isTyping);
            EncodedFrame encoded = EncodedFrame.of(typing);
            registry.broadcast(roomId, encoded, connection.username());
            // other nodes' subscribers too, when there are other nodes
            typed.fire(new RoomEvent.Typing(roomId, encoded, connection.username()));
        } else {
            meters.add(Meters.Count.RATE_LIMITED_FRAMES);
        }
    }

    private void read(Connection connection, JsonInput frame, long roomId) {
        Long seq = frame.number("seq", true);
        frame.validate();
        memberships.markRead(connection.user(), roomId, seq);
    }

    /**
     * The room a frame is about: its room_id, or the connection's default room when it names
     * none. A pinned connection (/ws/chat/{room_id}) may name no other room.
     */
    private static long room(Connection connection, JsonInput frame) {
        Long room = connection.defaultRoom();
        Long named = frame.number("room_id", room == null);
        frame.validate();
        if (connection.isPinned() && named != null && !named.equals(room)) {
            throw Refusal.invalid("room_id", "this connection is for room " + room);
        }
        return named != null ? named : room;
    }
}
