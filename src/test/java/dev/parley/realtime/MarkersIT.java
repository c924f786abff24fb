package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static dev.parley.support.RestCalls.absentOrNull;
import static dev.parley.support.RestCalls.assertPlain;
import static dev.parley.support.RestCalls.assertProblem;
import static dev.parley.support.RestCalls.assertSameMessage;
import static dev.parley.support.RestCalls.number;
import static dev.parley.support.SocketWaits.awaitFrame;
import static dev.parley.support.SocketWaits.inRoom;
import static dev.parley.support.SocketWaits.readBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.SocketWaits;
import dev.parley.support.SseClient;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read markers and unread counts, and editing and deleting messages: who may, what the others'
 * sockets and streams are told, and what history keeps. The users are registered once per class;
 * every test makes its own rooms (alice owns them, bob and carol join).
 */
@ParleyTest
class MarkersIT {

    static final Duration QUIET = Duration.ofMillis(500);
    static final String[] NOISE = {"presence", "typing", "read"};

    static User alice;
    static User bob;
    static User carol;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    RestCalls rest;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void users() {
        api = new Api(url);
        rest = new RestCalls(api);
        if (alice == null) {
            List<User> users = RestCalls.register(api, "alice", "bob", "carol");
            alice = users.get(0);
            bob = users.get(1);
            carol = users.get(2);
        }
    }

    @AfterEach
    void closeClients() {
        Collections.reverse(opened);
        for (AutoCloseable closeable : opened) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
    }

    // ---- unread counts and markers

    @Test
    void othersMessagesCountAsUnreadAndOnesOwnDoNot() {
        long room = rest.publicRoom(alice, bob);
        assertUnread(room, 0, 0);

        rest.post(alice, room, "one");
        rest.post(alice, room, "two");
        rest.post(alice, room, "three");
        assertUnread(room, 0, 3);

        // bob writes: his own message counts as read, and so does what came before it
        rest.post(bob, room, "four, from bob");
        assertUnread(room, 1, 0);
        assertEquals(Map.of(alice.name(), 3L, bob.name(), 4L), rest.markers(room, alice));

        rest.post(alice, room, "five");
        assertUnread(room, 0, 1);
        assertEquals(Map.of(alice.name(), 5L, bob.name(), 4L), rest.markers(room, bob));

        // the counts are per room
        long other = rest.publicRoom(alice, bob);
        rest.post(alice, other, "elsewhere");
        assertEquals(1, rest.unread(bob, other));
        assertEquals(1, rest.unread(bob, room));
    }

    @Test
    void aReadMarkerLowersUnreadMovesOnlyForwardAndStopsAtTheLastSeq() {
        long room = rest.publicRoom(alice, bob);
        for (int i = 1; i <= 5; i++) {
            rest.post(alice, room, "message " + i);
        }
        assertUnread(room, 0, 5);
        assertEquals(0L, rest.markers(room, alice).get(bob.name()));

        assertEquals(204, rest.read(bob, room, 3).status());
        assertUnread(room, 0, 2);
        assertEquals(Map.of(alice.name(), 5L, bob.name(), 3L), rest.markers(room, bob));

        // backwards: accepted, and nothing moves
        var back = rest.read(bob, room, 1);
        assertEquals(204, back.status(), back::toString);
        assertUnread(room, 0, 2);
        assertEquals(3L, rest.markers(room, alice).get(bob.name()));
        assertEquals(204, rest.read(bob, room, 3).status(), "the same seq again is harmless");
        assertEquals(3L, rest.markers(room, alice).get(bob.name()));

        // past the end: capped at last_seq
        assertEquals(204, rest.read(bob, room, 99).status());
        assertUnread(room, 0, 0);
        assertEquals(5L, rest.markers(room, alice).get(bob.name()));

        // so a new message is exactly one unread, not hidden by the marker's overshoot
        rest.post(alice, room, "six");
        assertUnread(room, 0, 1);
        // carol joins now: history from before her join counts as read for her
        User joined = carolIn(room);
        assertEquals(Map.of(alice.name(), 6L, bob.name(), 5L, joined.name(), 6L), rest.markers(room, joined));
    }

    @Test
    void theReadEventReachesTheOtherSubscribersOfTheRoom() {
        long room = rest.publicRoom(alice, bob, carol);
        rest.post(alice, room, "one");
        rest.post(alice, room, "two");
        rest.post(alice, room, "three");
        ChatClient a = socket(alice, room);
        SseClient c = stream(carol, room);
        assertEquals("subscribed", c.next("subscribed").type());

        assertEquals(204, rest.read(bob, room, 2).status());
        assertRead(awaitFrame(a, readBy(room, bob), "bob's read event"), room, bob, 2);
        JsonObject overSse = awaitSseRead(c, bob);
        assertRead(overSse, room, bob, 2);

        // over bob's own socket, the read frame does the same
        ChatClient b = socket(bob, room);
        b.send(frame("type", "read", "room_id", room, "seq", 3));
        assertRead(awaitFrame(a, readBy(room, bob), "bob's second read event"), room, bob, 3);
        assertRead(awaitSseRead(c, bob), room, bob, 3);
        assertEquals(3L, rest.markers(room, alice).get(bob.name()));
        assertEquals(0, rest.unread(bob, room));
    }

    // ---- edits

    @Test
    void onlyTheAuthorEditsAndTheEditIsBroadcastAndKeptInHistory() {
        long room = rest.publicRoom(alice, bob, carol);
        JsonObject original = rest.post(bob, room, "teh typo");
        assertPlain(original);
        JsonObject other = rest.post(carol, room, "untouched");
        ChatClient a = socket(alice, room);
        SseClient c = stream(carol, room);
        assertEquals("subscribed", c.next("subscribed").type());

        assertProblem(403, rest.edit(alice, room, 1, "the owner may not put words in bob's mouth"));
        assertProblem(403, rest.edit(carol, room, 1, "nor may carol"));
        assertProblem(400, rest.edit(bob, room, 1, "   "));
        assertProblem(404, rest.edit(bob, room, 999, "no such message"));
        assertEquals(
                "teh typo", rest.history(room, alice).get(0).getString("content"), "refused edits changed nothing");

        var edited = rest.edit(bob, room, 1, "the typo, fixed");
        assertEquals(200, edited.status(), edited::toString);
        JsonObject answer = edited.json();
        assertEdited(answer, original, "the typo, fixed");

        JsonObject frame = awaitFrame(a, SocketWaits.ofType("message_edited"), "the message_edited frame");
        assertEdited(frame.getJsonObject("message"), original, "the typo, fixed");
        assertEquals(
                Instant.parse(answer.getString("edited_at")),
                Instant.parse(frame.getJsonObject("message").getString("edited_at")));
        SseClient.Event event = c.next("message_edited", WAIT, NOISE);
        assertNull(event.id(), "an edit has no event id: " + event);
        assertEdited(RestCalls.editedMessage(event.json()), original, "the typo, fixed");

        // history shows the edit, and the edit made no new message
        List<JsonObject> history = rest.history(room, carol);
        assertEquals(List.of(1L, 2L), RestCalls.seqs(history));
        assertEdited(history.get(0), original, "the typo, fixed");
        assertPlain(history.get(1));
        assertSameMessage(other, history.get(1));
        assertEquals(2, rest.lastSeq(room, alice));
        JsonObject single =
                api.get("/rooms/" + room + "/messages/1", alice.token()).json();
        assertEdited(single, original, "the typo, fixed");

        // a second edit by the author is fine too
        var again = rest.edit(bob, room, 1, "the typo, fixed twice");
        assertEquals(200, again.status(), again::toString);
        assertEdited(again.json(), original, "the typo, fixed twice");
    }

    // ---- deletes

    @Test
    void theAuthorOrTheOwnerDeletesAndATombstoneKeepsTheSeqsGapFree() {
        long room = rest.publicRoom(alice, bob, carol);
        JsonObject m1 = rest.post(bob, room, "bob's first");
        JsonObject m2 = rest.post(bob, room, "bob's regret");
        JsonObject m3 = rest.post(bob, room, "bob's third");
        JsonObject m4 = rest.post(carol, room, "carol's spam");
        ChatClient b = socket(bob, room);
        SseClient c = stream(carol, room);
        assertEquals("subscribed", c.next("subscribed").type());

        assertProblem(403, rest.deleteMessage(carol, room, 1));
        assertProblem(403, rest.deleteMessage(bob, room, 4));
        assertEquals(
                4,
                rest.history(room, alice).stream()
                        .filter(m -> !m.getBoolean("deleted"))
                        .count());

        // the author deletes his own
        var byAuthor = rest.deleteMessage(bob, room, 2);
        assertEquals(204, byAuthor.status(), byAuthor::toString);
        assertDeletedFrame(awaitFrame(b, inRoom("message_deleted", room), "the first message_deleted"), room, m2);
        SseClient.Event first = c.next("message_deleted", WAIT, NOISE);
        assertNull(first.id(), "a delete has no event id: " + first);
        assertDeletedFrame(first.json(), room, m2);

        // the owner deletes anyone's
        var byOwner = rest.deleteMessage(alice, room, 4);
        assertEquals(204, byOwner.status(), byOwner::toString);
        assertDeletedFrame(awaitFrame(b, inRoom("message_deleted", room), "the second message_deleted"), room, m4);
        SseClient.Event second = c.next("message_deleted", WAIT, NOISE);
        assertNull(second.id(), second::toString);
        assertDeletedFrame(second.json(), room, m4);

        // history keeps tombstones in place: same seqs, no gap, no content
        List<JsonObject> history = rest.history(room, carol);
        assertEquals(List.of(1L, 2L, 3L, 4L), RestCalls.seqs(history));
        assertSameMessage(m1, history.get(0));
        assertPlain(history.get(0));
        assertTombstone(history.get(1), m2);
        assertSameMessage(m3, history.get(2));
        assertPlain(history.get(2));
        assertTombstone(history.get(3), m4);
        assertEquals(4, rest.lastSeq(room, alice));

        // a tombstone cannot be edited; the next message takes the next seq
        assertProblem(409, rest.edit(bob, room, 2, "un-regret"));
        assertTombstone(rest.history(room, bob).get(1), m2);
        JsonObject m5 = rest.post(alice, room, "after the deletes");
        assertEquals(5, number(m5, "seq"), m5::toString);
        assertSameMessage(m5, b.next("message", WAIT, NOISE));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), RestCalls.seqs(rest.history(room, alice)));
    }

    // ---- helpers

    User carolIn(long room) {
        rest.join(carol, room);
        return carol;
    }

    ChatClient socket(User user, long room) {
        ChatClient client = SocketWaits.roomSocket(api, user, room);
        opened.add(client);
        return client;
    }

    SseClient stream(User user, long room) {
        SseClient client = SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(user.token())
                .as(user.name())
                .open();
        opened.add(client);
        assertEquals(200, client.status(), client::body);
        return client;
    }

    /** Unread counts of alice and bob in GET /rooms. */
    void assertUnread(long room, long alices, long bobs) {
        assertEquals(alices, rest.unread(alice, room), "alice's unread in room " + room);
        assertEquals(bobs, rest.unread(bob, room), "bob's unread in room " + room);
    }

    /** The next read event of {@code user} on the stream; read events of others are skipped. */
    static JsonObject awaitSseRead(SseClient stream, User user) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<SseClient.Event> skipped = new ArrayList<>();
        while (true) {
            SseClient.Event event;
            try {
                event = stream.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (AssertionError none) {
                throw new AssertionError(
                        "expected a read event of " + user.name() + " on " + stream + ", skipped " + skipped, none);
            }
            if ("read".equals(event.type())) {
                assertNull(event.id(), "a read event has no id: " + event);
                if (user.name().equals(SocketWaits.string(event.json(), "user"))) {
                    return event.json();
                }
            }
            skipped.add(event);
        }
    }

    static void assertRead(JsonObject read, long room, User user, long seq) {
        assertEquals(room, number(read, "room_id"), read::toString);
        assertEquals(user.name(), read.getString("user"), read::toString);
        assertEquals(seq, number(read, "seq"), read::toString);
    }

    static void assertEdited(JsonObject m, JsonObject original, String content) {
        assertEquals(number(original, "id"), number(m, "id"), m::toString);
        assertEquals(number(original, "room_id"), number(m, "room_id"), m::toString);
        assertEquals(number(original, "seq"), number(m, "seq"), m::toString);
        assertEquals(original.getString("sender"), m.getString("sender"), m::toString);
        assertEquals(content, m.getString("content"), m::toString);
        assertNotNull(m.getString("edited_at"), m::toString);
        Instant editedAt = Instant.parse(m.getString("edited_at"));
        assertTrue(
                !editedAt.isBefore(Instant.parse(original.getString("timestamp"))), "edited after it was sent: " + m);
        assertTrue(
                Math.abs(editedAt.toEpochMilli() - System.currentTimeMillis()) < 60_000,
                "edited_at is now, in UTC: " + m);
        assertEquals(
                Instant.parse(original.getString("timestamp")),
                Instant.parse(m.getString("timestamp")),
                "an edit keeps the timestamp: " + m);
        if (m.containsKey("deleted")) {
            assertEquals(false, m.getBoolean("deleted"), m::toString);
        }
    }

    static void assertTombstone(JsonObject m, JsonObject original) {
        assertEquals(number(original, "id"), number(m, "id"), m::toString);
        assertEquals(number(original, "seq"), number(m, "seq"), m::toString);
        assertEquals(number(original, "room_id"), number(m, "room_id"), m::toString);
        assertTrue(m.getBoolean("deleted"), m::toString);
        assertTrue(absentOrNull(m, "content"), "a tombstone has no content: " + m);
    }

    static void assertDeletedFrame(JsonObject d, long room, JsonObject original) {
        assertEquals(room, number(d, "room_id"), d::toString);
        assertEquals(number(original, "seq"), number(d, "seq"), d::toString);
        assertEquals(number(original, "id"), number(d, "id"), d::toString);
        if (d.containsKey("type")) {
            assertEquals("message_deleted", d.getString("type"), d::toString);
        }
    }
}
