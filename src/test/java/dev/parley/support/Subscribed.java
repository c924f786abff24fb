package dev.parley.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.time.Duration;

/** The {@code subscribed} frame: where the room stands, and whether the missed messages follow. */
public record Subscribed(long roomId, long lastSeq, boolean recovered, int replayed, JsonObject frame) {

    /** Parses a {@code subscribed} frame; every field must be there with its type. */
    public static Subscribed of(JsonObject frame) {
        assertEquals("subscribed", ChatClient.type(frame), frame::toString);
        try {
            return new Subscribed(
                    frame.getJsonNumber("room_id").longValue(),
                    frame.getJsonNumber("last_seq").longValue(),
                    frame.getBoolean("recovered"),
                    frame.getInt("replayed"),
                    frame);
        } catch (RuntimeException missingOrWrongType) {
            throw new AssertionError(
                    "a subscribed frame needs room_id, last_seq, recovered and replayed: " + frame, missingOrWrongType);
        }
    }

    /**
     * Takes the next {@code subscribed} frame for {@code room} from {@code client}: presence frames
     * (the user's own join) may come first, and so may room_added for a room created just before
     * the socket opened (announced after its commit); anything else, a message above all, fails.
     */
    public static Subscribed read(ChatClient client, long room, Duration timeout) {
        Subscribed subscribed = of(client.next("subscribed", timeout, "presence", "room_added"));
        assertEquals(room, subscribed.roomId(), subscribed.frame()::toString);
        return subscribed;
    }

    public static Subscribed read(ChatClient client, long room) {
        return read(client, room, ChatClient.WAIT);
    }

    @Override
    public String toString() {
        return frame.toString();
    }
}
