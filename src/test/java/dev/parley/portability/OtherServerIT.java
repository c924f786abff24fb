package dev.parley.portability;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.RestCalls;
import dev.parley.support.SseClient;
import dev.parley.support.SseClient.Event;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same WAR on another server (WildFly, Open Liberty), driven from outside with the clients
 * of the Payara suites: register and login, rooms, a REST send reaching both socket styles,
 * resume with {@code since}, SSE with {@code Last-Event-ID}, a direct message, and the refusals
 * (401, 403 for a foreign Origin, closes 4003 and 4004). Plain JUnit: the server is started and
 * stopped by the build profile, and the URL comes from {@link OtherServer}.
 */
class OtherServerIT {

    /** Frames and events that may come between the ones a test is about. */
    static final String[] NOISE = {"connected", "subscribed", "presence", "typing", "read", "room_added"};

    static Api api;
    static RestCalls rest;
    static User alice;
    static User bob;
    static User carol;

    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void users() {
        api = new Api(OtherServer.url());
        rest = new RestCalls(api);
        // Users.create asserts 201 on register and 200 on login, with a token
        List<User> users = RestCalls.register(api, "alice", "bob", "carol");
        alice = users.get(0);
        bob = users.get(1);
        carol = users.get(2);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void roomsAreCreatedJoinedAndListed() {
        long room = rest.publicRoom(alice, bob);
        assertTrue(rest.listed(bob, room).isPresent(), "bob lists the room he joined");
        assertEquals(
                List.of(alice.name(), bob.name()).stream().sorted().toList(),
                rest.memberNames(room, alice).stream().sorted().toList());
        JsonObject read = rest.room(room, bob);
        assertEquals(room, read.getJsonNumber("id").longValue());
    }

    @Test
    void aRestSendReachesBothSocketStyles() {
        long room = rest.publicRoom(alice, bob);
        ChatClient roomSocket =
                track(ChatClient.to(api, "/ws/chat/" + room).bearer(bob.token()).open());
        JsonObject subscribed = roomSocket.next("subscribed", WAIT, NOISE);
        assertEquals(room, subscribed.getJsonNumber("room_id").longValue());

        ChatClient multiplexed =
                track(ChatClient.to(api, "/ws/chat").bearer(alice.token()).open());
        multiplexed.send(frame("type", "subscribe", "room_id", room));
        assertEquals(
                room,
                multiplexed
                        .next("subscribed", WAIT, NOISE)
                        .getJsonNumber("room_id")
                        .longValue());

        JsonObject sent = rest.post(alice, room, "hello from REST");
        assertMessage(roomSocket.next("message", WAIT, NOISE), sent, "hello from REST");
        assertMessage(multiplexed.next("message", WAIT, NOISE), sent, "hello from REST");

        // and a socket send reaches the REST history
        roomSocket.send(frame("type", "message", "content", "hello from the socket", "client_id", "b-1"));
        JsonObject echoed = multiplexed.next("message", WAIT, NOISE);
        assertEquals("hello from the socket", echoed.getString("content"));
        assertEquals(
                List.of("hello from REST", "hello from the socket"),
                rest.history(room, carolJoins(room)).stream()
                        .map(m -> m.getString("content"))
                        .toList());
    }

    private User carolJoins(long room) {
        rest.join(carol, room);
        return carol;
    }

    @Test
    void aSocketResumesAfterSince() {
        long room = rest.publicRoom(alice, bob);
        rest.post(alice, room, "r1");
        JsonObject second = rest.post(alice, room, "r2");
        JsonObject third = rest.post(alice, room, "r3");

        ChatClient resumed = track(ChatClient.to(api, "/ws/chat/" + room + "?since=1")
                .bearer(bob.token())
                .open());
        JsonObject subscribed = resumed.next("subscribed", WAIT, "connected", "presence");
        assertEquals(3, subscribed.getJsonNumber("last_seq").longValue(), subscribed::toString);
        assertEquals(2, subscribed.getInt("replayed"), subscribed::toString);
        assertMessage(resumed.next("message", WAIT, "presence"), second, "r2");
        assertMessage(resumed.next("message", WAIT, "presence"), third, "r3");

        ChatClient multiplexed =
                track(ChatClient.to(api, "/ws/chat").bearer(bob.token()).open());
        multiplexed.send(frame("type", "subscribe", "room_id", room, "since", 2));
        assertEquals(1, subscribedTo(multiplexed, room).getInt("replayed"));
        assertMessage(multiplexed.next("message", WAIT, "presence"), third, "r3");
    }

    @Test
    void sseResumesAfterLastEventId() {
        long room = rest.publicRoom(alice, bob);
        rest.post(alice, room, "s1");
        JsonObject second = rest.post(alice, room, "s2");

        SseClient stream = track(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .lastEventId(1)
                .open());
        assertEquals(200, stream.status(), stream::body);
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        assertEquals(1, stream.next("subscribed").json().getInt("replayed"));
        Event replayed = stream.next("message", WAIT, "presence", "typing", "read");
        assertEquals("2", replayed.id());
        assertMessage(replayed.json(), second, "s2");

        JsonObject live = rest.post(alice, room, "s3");
        Event next = stream.next("message", WAIT, "presence", "typing", "read");
        assertEquals("3", next.id());
        assertMessage(next.json(), live, "s3");
    }

    @Test
    void aDirectMessageReachesTheOtherPerson() {
        ChatClient atBob =
                track(ChatClient.to(api, "/ws/chat").bearer(bob.token()).open());
        atBob.next("connected", WAIT, "presence");
        JsonObject sent = rest.direct(alice, bob, "psst");
        JsonObject received = atBob.next("message", WAIT, NOISE);
        assertMessage(received, sent, "psst");
        assertTrue(
                rest.directs(bob).stream()
                        .anyMatch(
                                d -> alice.name().equals(d.getJsonObject("user").getString("username"))),
                "bob's GET /direct lists alice");
    }

    @Test
    void refusals() {
        assertEquals(401, api.get("/rooms", null).status(), "REST without a token");
        assertEquals(401, api.get("/rooms", "not-a-token").status(), "REST with a bad token");
        assertEquals(401, ChatClient.to(api, "/ws/chat").refusal(), "socket without a token");
        assertEquals(
                403,
                ChatClient.to(api, "/ws/chat")
                        .bearer(alice.token())
                        .origin("https://evil.example")
                        .refusal(),
                "socket from a foreign Origin");

        long mine = rest.privateRoom(alice);
        long open = rest.publicRoom(alice);
        ChatClient notMember =
                track(ChatClient.to(api, "/ws/chat/" + open).bearer(bob.token()).open());
        assertEquals("not_member", notMember.next("error", WAIT, "connected").getString("code"));
        assertEquals(4003, notMember.awaitClose(WAIT));
        for (long room : List.of(987_654_321L, mine)) {
            ChatClient unknown = track(
                    ChatClient.to(api, "/ws/chat/" + room).bearer(bob.token()).open());
            assertEquals(
                    "room_not_found", unknown.next("error", WAIT, "connected").getString("code"));
            assertEquals(4004, unknown.awaitClose(WAIT), "room " + room);
        }
    }

    /** The {@code subscribed} frame for {@code room}: /ws/chat also subscribes the user's direct rooms. */
    static JsonObject subscribedTo(ChatClient client, long room) {
        List<JsonObject> others = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject frame = client.next("subscribed", Duration.ofNanos(deadline - System.nanoTime()), NOISE);
            if (frame.getJsonNumber("room_id").longValue() == room) {
                return frame;
            }
            others.add(frame);
        }
        throw new AssertionError("no subscribed frame for room " + room + " within " + WAIT + ", only " + others);
    }

    static void assertMessage(JsonObject frame, JsonObject sent, String content) {
        assertEquals(content, frame.getString("content"), frame::toString);
        for (String field : Set.of("id", "room_id", "seq", "sender_id")) {
            assertEquals(sent.get(field), frame.get(field), field + " of " + frame);
        }
    }
}
