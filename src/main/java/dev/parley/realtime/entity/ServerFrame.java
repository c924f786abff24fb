package dev.parley.realtime.entity;

import dev.parley.accounts.entity.Profile;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.rooms.entity.RoomSummary;
import java.time.Instant;
import java.util.List;

/**
 * Every frame the server sends, on a socket or as an SSE event: its wire {@code type}, whether
 * a slow connection may lose it (typing and presence are of the moment; everything else must
 * arrive or the connection is cut), and the fields that follow the type on the wire.
 */
public sealed interface ServerFrame {

    String type();

    default boolean droppable() {
        return false;
    }

    /** What is written after {@code "type"}: the record's own components, unless it carries a message. */
    default Object body() {
        return this;
    }

    /** The SSE event id: a message's seq, so that Last-Event-ID resumes; 0 (no id) for every other frame. */
    default long eventId() {
        return 0;
    }

    record Connected(Profile user, String connectionId) implements ServerFrame {
        public String type() {
            return "connected";
        }
    }

    record Subscribed(long roomId, long lastSeq, boolean recovered, long replayed) implements ServerFrame {
        public String type() {
            return "subscribed";
        }
    }

    /** A committed message: its fields stand at the top level of the frame, beside the type. */
    record Message(ChatMessage message) implements ServerFrame {
        public String type() {
            return "message";
        }

        @Override
        public Object body() {
            return message;
        }

        @Override
        public long eventId() {
            return message.seq();
        }
    }

    record Ack(String clientId, long roomId, long id, long seq, boolean duplicate) implements ServerFrame {
        public String type() {
            return "ack";
        }
    }

    record Typing(long roomId, String user, boolean isTyping) implements ServerFrame {
        public String type() {
            return "typing";
        }

        @Override
        public boolean droppable() {
            return true;
        }
    }

    record Online(String username, String displayName, int connections) {
        /** The same user's devices counted together (on several nodes, say). */
        public Online plus(Online other) {
            return new Online(username, displayName, connections + other.connections);
        }
    }

    /**
     * A user's first device arrived or last one left. {@code online} lists who is here only while
     * that list is short ({@code parley.presence.max-listed}): in a big room every join would
     * otherwise send the whole room to the whole room. The count is always there.
     */
    record Presence(long roomId, String event, String user, int onlineCount, List<Online> online)
            implements ServerFrame {
        public String type() {
            return "presence";
        }

        @Override
        public boolean droppable() {
            return true;
        }
    }

    record Read(long roomId, String user, long seq) implements ServerFrame {
        public String type() {
            return "read";
        }
    }

    record RoomAdded(RoomSummary room) implements ServerFrame {
        public String type() {
            return "room_added";
        }
    }

    record RoomRemoved(long roomId) implements ServerFrame {
        public String type() {
            return "room_removed";
        }
    }

    record Edited(ChatMessage message) implements ServerFrame {
        public String type() {
            return "message_edited";
        }
    }

    record Deleted(long roomId, long seq, long id) implements ServerFrame {
        public String type() {
            return "message_deleted";
        }
    }

    /**
     * A piece of the assistant's reply while it streams. Droppable: the saved message that ends
     * the stream carries the whole text, so a slow client loses nothing it cannot read there.
     */
    record AiChunk(long roomId, String streamId, long replyTo, long index, String delta) implements ServerFrame {
        public String type() {
            return "ai_chunk";
        }

        @Override
        public boolean droppable() {
            return true;
        }
    }

    /** The assistant's reply ended without being saved; {@code retryAfter} in seconds, when known. */
    record AiError(long roomId, String streamId, long replyTo, String code, String message, Long retryAfter)
            implements ServerFrame {
        public String type() {
            return "ai_error";
        }
    }

    record Authenticated(Instant expiresAt) implements ServerFrame {
        public String type() {
            return "authenticated";
        }
    }

    record Pong() implements ServerFrame {
        public String type() {
            return "pong";
        }
    }

    record Error(String code, String message, String ref) implements ServerFrame {
        public String type() {
            return "error";
        }
    }
}
