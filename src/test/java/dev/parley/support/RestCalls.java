package dev.parley.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Users.User;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The REST calls the suites make, each checking the status the contract promises for the
 * ordinary case. Calls whose answer is the point of a test return the raw {@link Api.Reply}.
 */
public final class RestCalls {

    /** The fields a message carries on every path: REST answer, history, socket frame, SSE data. */
    public static final List<String> MESSAGE_FIELDS = List.of(
            "id", "room_id", "seq", "sender_id", "sender", "sender_name", "content", "message_type", "client_id");

    private final Api api;

    public RestCalls(Api api) {
        this.api = api;
    }

    public Api api() {
        return api;
    }

    // ---- users

    /** Registers users in parallel: each registration costs a slow password hash. */
    public static List<User> register(Api api, String... prefixes) {
        return register(api, List.of(prefixes));
    }

    /** The same, for a list of prefixes. */
    public static List<User> register(Api api, List<String> prefixes) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, prefixes.size()));
        try {
            List<Future<User>> pending = new ArrayList<>();
            for (String prefix : prefixes) {
                pending.add(pool.submit(() -> Users.create(api, prefix)));
            }
            List<User> users = new ArrayList<>();
            for (Future<User> user : pending) {
                users.add(user.get(120, TimeUnit.SECONDS));
            }
            return users;
        } catch (Exception e) {
            throw new AssertionError("registering " + prefixes.size() + " users failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A registered, logged-in user with a display name of its own. */
    public static User registerNamed(Api api, String prefix, String displayName) {
        String name = Users.unique(prefix);
        JsonObject body = Json.createObjectBuilder()
                .add("username", name)
                .add("password", Users.PASSWORD)
                .add("display_name", displayName)
                .build();
        Users.assertRegistered(api.post("/auth/register", body.toString(), null));
        return Users.logIn(api, name);
    }

    // ---- rooms and memberships

    /** A room made from {@code json} (POST /rooms), which the {@code members} then join themselves. */
    public static long createRoom(Api api, User owner, String json, List<User> members) {
        var created = api.post("/rooms", json, owner.token());
        assertEquals(201, created.status(), created::toString);
        long room = created.json().getJsonNumber("id").longValue();
        for (User member : members) {
            var joined = api.put("/rooms/" + room + "/members/me", member.token());
            assertEquals(204, joined.status(), joined::toString);
        }
        return room;
    }

    /** A public room of {@code owner}'s that the {@code joiners} join themselves. */
    public long publicRoom(User owner, User... joiners) {
        long room = create(owner, "{\"name\":\"Public\"}");
        for (User joiner : joiners) {
            join(joiner, room);
        }
        return room;
    }

    /** A private room of {@code owner}'s that the owner adds the {@code members} to. */
    public long privateRoom(User owner, User... members) {
        long room = create(owner, "{\"name\":\"Private\",\"visibility\":\"private\"}");
        for (User member : members) {
            var added = addMember(owner, room, member.name());
            assertEquals(201, added.status(), added::toString);
        }
        return room;
    }

    private long create(User owner, String json) {
        var created = api.post("/rooms", json, owner.token());
        assertEquals(201, created.status(), created::toString);
        return created.json().getJsonNumber("id").longValue();
    }

    public void join(User user, long room) {
        var joined = api.put("/rooms/" + room + "/members/me", user.token());
        assertEquals(204, joined.status(), joined::toString);
    }

    public void leave(User user, long room) {
        var left = api.delete("/rooms/" + room + "/members/me", user.token());
        assertEquals(204, left.status(), left::toString);
    }

    public Api.Reply addMember(User by, long room, String username) {
        return api.post(
                "/rooms/" + room + "/members",
                Json.createObjectBuilder().add("username", username).build().toString(),
                by.token());
    }

    public JsonObject room(long room, User reader) {
        var found = api.get("/rooms/" + room, reader.token());
        assertEquals(200, found.status(), found::toString);
        return found.json();
    }

    public long lastSeq(long room, User reader) {
        return room(room, reader).getJsonNumber("last_seq").longValue();
    }

    /** GET /rooms. */
    public List<JsonObject> rooms(User user) {
        var rooms = api.get("/rooms", user.token());
        assertEquals(200, rooms.status(), rooms::toString);
        return rooms.array().getValuesAs(JsonObject.class);
    }

    /** The room as GET /rooms lists it for {@code user}, if it is listed. */
    public Optional<JsonObject> listed(User user, long room) {
        return rooms(user).stream()
                .filter(r -> r.getJsonNumber("id").longValue() == room)
                .findFirst();
    }

    /** The room's unread count in {@code user}'s GET /rooms. */
    public long unread(User user, long room) {
        JsonObject listed = listed(user, room)
                .orElseThrow(() ->
                        new AssertionError("room " + room + " is not listed for " + user.name() + ": " + rooms(user)));
        return listed.getJsonNumber("unread").longValue();
    }

    /** username → last_read_seq, from GET /rooms/{id}/members. */
    public Map<String, Long> markers(long room, User asker) {
        var members = api.get("/rooms/" + room + "/members", asker.token());
        assertEquals(200, members.status(), members::toString);
        Map<String, Long> markers = new LinkedHashMap<>();
        for (JsonObject member : members.array().getValuesAs(JsonObject.class)) {
            assertTrue(member.containsKey("last_read_seq"), "every member shows a last_read_seq: " + members);
            markers.put(
                    member.getString("username"),
                    member.getJsonNumber("last_read_seq").longValue());
        }
        return markers;
    }

    public List<String> memberNames(long room, User asker) {
        var members = api.get("/rooms/" + room + "/members", asker.token());
        assertEquals(200, members.status(), members::toString);
        return members.array().getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("username"))
                .sorted()
                .toList();
    }

    // ---- messages

    public JsonObject post(User sender, long room, String content) {
        return post(sender, room, content, null);
    }

    /** POST /rooms/{room}/messages, with a client_id unless it is null. */
    public JsonObject post(User sender, long room, String content, String clientId) {
        JsonObject body = clientId == null
                ? ChatClient.frame("content", content)
                : ChatClient.frame("content", content, "client_id", clientId);
        var posted = api.post("/rooms/" + room + "/messages", body.toString(), sender.token());
        assertEquals(201, posted.status(), posted::toString);
        return posted.json();
    }

    /** POST /direct/{username}/messages. */
    public Api.Reply direct(User from, String to, String content) {
        return api.post(
                "/direct/" + to + "/messages",
                Json.createObjectBuilder().add("content", content).build().toString(),
                from.token());
    }

    /** A direct message that must be accepted: 201 with the message. */
    public JsonObject direct(User from, User to, String content) {
        var sent = direct(from, to.name(), content);
        assertEquals(201, sent.status(), sent::toString);
        JsonObject message = sent.json();
        assertEquals(content, message.getString("content"), message::toString);
        assertEquals(from.name(), message.getString("sender"), message::toString);
        assertTrue(message.getJsonNumber("room_id").longValue() > 0, message::toString);
        return message;
    }

    /** GET /direct. */
    public List<JsonObject> directs(User user) {
        var directs = api.get("/direct", user.token());
        assertEquals(200, directs.status(), directs::toString);
        return directs.array().getValuesAs(JsonObject.class);
    }

    /** POST /rooms/{id}/read. */
    public Api.Reply read(User user, long room, long seq) {
        return api.post("/rooms/" + room + "/read", "{\"seq\":" + seq + "}", user.token());
    }

    /** PATCH /rooms/{id}/messages/{seq}. */
    public Api.Reply edit(User user, long room, long seq, String content) {
        return api.send(api.request("/rooms/" + room + "/messages/" + seq, user.token())
                .header("Content-Type", "application/json")
                .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder()
                                .add("content", content)
                                .build()
                                .toString())));
    }

    /** DELETE /rooms/{id}/messages/{seq}. */
    public Api.Reply deleteMessage(User user, long room, long seq) {
        return api.delete("/rooms/" + room + "/messages/" + seq, user.token());
    }

    public List<JsonObject> history(long room, User reader) {
        var page = api.get("/rooms/" + room + "/messages?limit=200", reader.token());
        assertEquals(200, page.status(), page::toString);
        return page.json().getJsonArray("messages").getValuesAs(JsonObject.class);
    }

    public static List<Long> seqs(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
    }

    // ---- checks

    public static long number(JsonObject o, String field) {
        assertTrue(
                o.containsKey(field) && o.get(field).getValueType() == JsonValue.ValueType.NUMBER,
                "a number " + field + " in " + o);
        return o.getJsonNumber(field).longValue();
    }

    public static boolean absentOrNull(JsonObject o, String field) {
        return !o.containsKey(field) || o.isNull(field);
    }

    /** A plain message: not deleted, never edited. */
    public static void assertPlain(JsonObject m) {
        assertFalse(m.getBoolean("deleted"), "a normal message carries deleted:false: " + m);
        assertTrue(absentOrNull(m, "edited_at"), "a message never edited has no edited_at: " + m);
    }

    /**
     * The edited message, from the data of a {@code message_edited} SSE event: the socket frame's
     * shape {@code {"type":"message_edited","message":{…}}}, or the bare message.
     */
    public static JsonObject editedMessage(JsonObject data) {
        if (data.containsKey("message")) {
            if (data.containsKey("type")) {
                assertEquals("message_edited", data.getString("type"), data::toString);
            }
            return data.getJsonObject("message");
        }
        assertTrue(data.containsKey("seq"), "an edit names the message: " + data);
        return data;
    }

    /** Both tell the same facts about one message (the SSE data may add a "type"). */
    public static void assertSameMessage(JsonObject expected, JsonObject actual) {
        for (String field : MESSAGE_FIELDS) {
            assertEquals(
                    expected.getOrDefault(field, JsonValue.NULL),
                    actual.getOrDefault(field, JsonValue.NULL),
                    field + ": expected " + expected + ", got " + actual);
        }
        assertEquals(
                Instant.parse(expected.getString("timestamp")),
                Instant.parse(actual.getString("timestamp")),
                "timestamp: expected " + expected + ", got " + actual);
    }

    /** An RFC 9457 problem with this status. */
    public static void assertProblem(int status, Api.Reply reply) {
        assertEquals(status, reply.status(), reply::toString);
        assertEquals("application/problem+json", reply.contentType(), reply::toString);
        assertEquals(status, reply.json().getInt("status"), reply::toString);
        assertFalse(reply.body().contains("Exception"), "no stack trace: " + reply);
    }
}
