package dev.parley.support;

import static dev.parley.support.ChatClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Users.User;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Socket frames a test sends, and the checks on the frames the server sends back. */
public final class Frames {

    private Frames() {}

    public static JsonObject say(long room, String content, String clientId) {
        return frame(
                "type", "message", "room_id", room, "content", content, "client_id", clientId, "message_type", "text");
    }

    public static void assertMessage(JsonObject m, long room, long seq, User sender, String content, String clientId) {
        assertEquals("message", ChatClient.type(m), m::toString);
        assertTrue(m.getJsonNumber("id").longValue() > 0, m::toString);
        assertEquals(room, m.getJsonNumber("room_id").longValue(), m::toString);
        assertEquals(seq, m.getJsonNumber("seq").longValue(), m::toString);
        assertEquals(sender.id(), m.getJsonNumber("sender_id").longValue(), m::toString);
        assertEquals(sender.name(), m.getString("sender"), m::toString);
        assertEquals(sender.name(), m.getString("sender_name"), "the display name falls back to the username: " + m);
        assertEquals(content, m.getString("content"), m::toString);
        assertEquals("text", m.getString("message_type"), m::toString);
        if (clientId == null) {
            assertTrue(!m.containsKey("client_id") || m.isNull("client_id"), m::toString);
        } else {
            assertEquals(clientId, m.getString("client_id"), m::toString);
        }
        assertRecent(m.getString("timestamp"));
    }

    /** A seed client reads only these fields. */
    public static void assertSeedMessage(JsonObject m, long room, User sender, String content) {
        assertEquals(room, m.getJsonNumber("room_id").longValue(), m::toString);
        assertEquals(sender.name(), m.getString("sender_name"), m::toString);
        assertEquals(content, m.getString("content"), m::toString);
        assertRecent(m.getString("timestamp"));
    }

    public static void assertAck(JsonObject ack, long room, JsonObject message, boolean duplicate) {
        assertEquals("ack", ChatClient.type(ack), ack::toString);
        assertEquals(message.getString("client_id"), ack.getString("client_id"), ack::toString);
        assertEquals(room, ack.getJsonNumber("room_id").longValue(), ack::toString);
        assertEquals(
                message.getJsonNumber("id").longValue(), ack.getJsonNumber("id").longValue(), ack::toString);
        assertEquals(
                message.getJsonNumber("seq").longValue(),
                ack.getJsonNumber("seq").longValue(),
                ack::toString);
        assertEquals(duplicate, ack.getBoolean("duplicate"), ack::toString);
    }

    public static void assertError(JsonObject error, String code, String ref) {
        assertEquals("error", ChatClient.type(error), error::toString);
        assertEquals(code, error.getString("code"), error::toString);
        assertFalse(error.getString("message").isBlank(), error::toString);
        if (ref != null) {
            assertEquals(ref, error.getString("ref"), error::toString);
        }
    }

    public static void assertPresence(JsonObject p, long room, String event, User user, Map<String, Integer> online) {
        assertEquals("presence", ChatClient.type(p), p::toString);
        assertEquals(room, p.getJsonNumber("room_id").longValue(), p::toString);
        assertEquals(event, p.getString("event"), p::toString);
        assertEquals(user.name(), p.getString("user"), p::toString);
        assertEquals(online, online(p.getJsonArray("online")), p::toString);
        assertEquals(online.size(), p.getInt("online_count"), p::toString);
    }

    public static void assertTyping(JsonObject t, long room, User user, boolean typing) {
        assertEquals(room, t.getJsonNumber("room_id").longValue(), t::toString);
        assertEquals(user.name(), t.getString("user"), t::toString);
        assertEquals(typing, t.getBoolean("is_typing"), t::toString);
    }

    public static void assertRecent(String timestamp) {
        Instant at = Instant.parse(timestamp);
        assertTrue(
                Math.abs(at.toEpochMilli() - System.currentTimeMillis()) < 60_000, "timestamp is now, in UTC: " + at);
    }

    /** username → connections, from a presence list; every entry carries a display name. */
    public static Map<String, Integer> online(JsonArray online) {
        Map<String, Integer> connections = new LinkedHashMap<>();
        for (var entry : online) {
            JsonObject o = entry.asJsonObject();
            assertTrue(o.containsKey("display_name"), o::toString);
            assertTrue(o.getInt("connections") > 0, o::toString);
            assertNull(connections.put(o.getString("username"), o.getInt("connections")), "listed twice: " + online);
        }
        return connections;
    }

    public static List<String> contents(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getString("content")).toList();
    }
}
