package dev.parley.realtime.entity;

import dev.parley.accounts.entity.Profile;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.rooms.entity.RoomSummary;
import java.time.Instant;
import java.util.List;

/**
 * The server's socket frames as records; {@code type} is added by the codec
 * ({@link dev.parley.realtime.control.FrameCodec}), so each record holds only its own fields.
 */
public final class Frames {

    private Frames() {
    }

    public record Connected(Profile user, String connectionId) {
    }

    public record Subscribed(long roomId, long lastSeq, boolean recovered, long replayed) {
    }

    public record Ack(String clientId, long roomId, long id, long seq, boolean duplicate) {
    }

    public record Typing(long roomId, String user, boolean isTyping) {
    }

    public record Online(String username, String displayName, int connections) {
    }

    public record Presence(long roomId, String event, String user, List<Online> online) {
    }

    public record Read(long roomId, String user, long seq) {
    }

    public record RoomRemoved(long roomId) {
    }

    public record RoomAdded(RoomSummary room) {
    }

    public record Edited(ChatMessage message) {
    }

    public record Error(String code, String message, String ref) {
    }

    public record Authenticated(Instant expiresAt) {
    }

    public record Empty() {
    }
}
