package dev.parley.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Opening chat sockets and waiting on them for frames picked by content rather than by position,
 * for traffic whose interleaving the protocol leaves open (presence, read markers moved by
 * sending, a {@code subscribed} that may come first). Every wait is bounded.
 */
public final class SocketWaits {

    /** Frames a test may meet at almost any point without their being its subject. */
    public static final List<String> NOISE = List.of("presence", "typing", "read");

    private SocketWaits() {}

    /** A socket on {@code /ws/chat/{room}}: past its connected and subscribed frames, with an empty queue. */
    public static ChatClient roomSocket(Api api, User user, long room) {
        ChatClient client =
                ChatClient.to(api, "/ws/chat/" + room).bearer(user.token()).open();
        try {
            connected(client, user);
            JsonObject subscribed = client.next("subscribed", ChatClient.WAIT, NOISE.toArray(String[]::new));
            assertEquals(room, subscribed.getJsonNumber("room_id").longValue(), subscribed::toString);
            settle(client);
            return client;
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    /**
     * A socket on {@code /ws/chat} with {@code query} (empty, or e.g. {@code ?all=true}), past its
     * connected frame. What else it receives at open is the caller's to check.
     */
    public static ChatClient multiplexed(Api api, User user, String query) {
        ChatClient client =
                ChatClient.to(api, "/ws/chat" + query).bearer(user.token()).open();
        try {
            connected(client, user);
            return client;
        } catch (RuntimeException | Error e) {
            client.close();
            throw e;
        }
    }

    public static void connected(ChatClient client, User user) {
        JsonObject connected = client.next("connected");
        assertEquals(user.name(), connected.getJsonObject("user").getString("username"), connected::toString);
    }

    /** A fence: everything that came before the pong must be of the {@code ignorable} types (default: {@link #NOISE}). */
    public static List<JsonObject> settle(ChatClient client, String... ignorable) {
        List<String> allowed = ignorable.length == 0 ? NOISE : Arrays.asList(ignorable);
        List<JsonObject> before = client.fence();
        for (JsonObject frame : before) {
            assertTrue(
                    allowed.contains(ChatClient.type(frame)),
                    client + ": unexpected frame " + frame + " (allowed: " + allowed + ")");
        }
        return before;
    }

    /**
     * Every frame up to and including the first one {@code last} matches, within {@code timeout};
     * fails when none matches in time.
     */
    public static List<JsonObject> until(ChatClient client, Predicate<JsonObject> last, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonObject> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject frame;
            try {
                frame = client.next(Duration.ofNanos(Math.max(1, left)));
            } catch (AssertionError none) {
                throw new AssertionError(
                        client + ": expected " + what + " within " + timeout + ", got only " + seen, none);
            }
            seen.add(frame);
            if (last.test(frame)) {
                return seen;
            }
        }
    }

    public static List<JsonObject> until(ChatClient client, Predicate<JsonObject> last, String what) {
        return until(client, last, what, ChatClient.WAIT);
    }

    /** The first frame {@code match} picks, whatever comes before it. */
    public static JsonObject awaitFrame(ChatClient client, Predicate<JsonObject> match, String what) {
        List<JsonObject> seen = until(client, match, what);
        return seen.get(seen.size() - 1);
    }

    /** The frames without the {@link #NOISE} types. */
    public static List<JsonObject> withoutNoise(List<JsonObject> frames) {
        return frames.stream().filter(f -> !NOISE.contains(ChatClient.type(f))).toList();
    }

    public static List<String> types(List<JsonObject> frames) {
        return frames.stream().map(ChatClient::type).toList();
    }

    // ---- predicates

    public static Predicate<JsonObject> ofType(String type) {
        return frame -> type.equals(ChatClient.type(frame));
    }

    /** A frame of {@code type} whose {@code room_id} is {@code room}. */
    public static Predicate<JsonObject> inRoom(String type, long room) {
        return frame -> type.equals(ChatClient.type(frame)) && number(frame, "room_id") == room;
    }

    /** A {@code message} frame of {@code room} with {@code content}. */
    public static Predicate<JsonObject> message(long room, String content) {
        return frame -> inRoom("message", room).test(frame)
                && frame.get("content") instanceof jakarta.json.JsonString s
                && content.equals(s.getString());
    }

    /** A {@code room_added} frame for {@code room}. */
    public static Predicate<JsonObject> roomAdded(long room) {
        return frame -> "room_added".equals(ChatClient.type(frame))
                && frame.get("room") instanceof JsonObject r
                && number(r, "id") == room;
    }

    /** A {@code read} frame of {@code user} in {@code room}. */
    public static Predicate<JsonObject> readBy(long room, User user) {
        return frame -> inRoom("read", room).test(frame) && user.name().equals(string(frame, "user"));
    }

    /** A number field, or -1 when it is missing or not a number: for predicates that must not throw. */
    public static long number(JsonObject o, String field) {
        JsonValue value = o.get(field);
        return value != null && value.getValueType() == JsonValue.ValueType.NUMBER
                ? o.getJsonNumber(field).longValue()
                : -1;
    }

    public static String string(JsonObject o, String field) {
        JsonValue value = o.get(field);
        return value != null && value.getValueType() == JsonValue.ValueType.STRING ? o.getString(field) : null;
    }
}
