package dev.parley.realtime;

import static dev.parley.support.ChatClient.frame;
import static dev.parley.support.RestCalls.assertSameMessage;
import static dev.parley.support.RestCalls.number;
import static dev.parley.support.SseClient.WAIT;
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
import dev.parley.support.SseClient.Event;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSE stream of a room, {@code GET /api/rooms/{id}/events}, read as an EventSource would:
 * messages with their seq as the event id whatever path they were sent by, resume by
 * {@code Last-Event-ID} or {@code since}, the recovery limit (120 in the test deployment), the
 * token in the header or the query, the visibility rules, and the events without an id (typing,
 * edits, deletes). The users are registered once per class; every test makes its own rooms.
 */
@ParleyTest
class StreamsIT {

    static final Duration QUIET = Duration.ofMillis(500);
    /** Events a stream may carry at any point without their being the test's subject. */
    static final String[] NOISE = {"presence", "typing", "read"};
    /** parley.recovery.max-messages of the test deployment. */
    static final int RECOVERY_LIMIT = 120;

    static User alice;
    static User bob;
    static User carol;
    static User dave;

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
            List<User> users = RestCalls.register(api, "alice", "bob", "carol", "dave");
            alice = users.get(0);
            bob = users.get(1);
            carol = users.get(2);
            dave = users.get(3);
        }
    }

    @AfterEach
    void closeStreams() {
        Collections.reverse(opened);
        for (AutoCloseable closeable : opened) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
    }

    // ---- delivery

    @Test
    void aSubscriberGetsRestAndSocketMessagesWithTheirSeqAsId() {
        long room = rest.publicRoom(alice, bob);
        SseClient s = stream(bob, room, "");
        assertEquals(200, s.status());
        assertEquals("text/event-stream", s.contentType());
        assertSubscribed(s.next("subscribed"), room, 0, true, 0);

        JsonObject posted = rest.post(alice, room, "over REST");
        assertMessageEvent(s.next("message", WAIT, NOISE), posted);

        ChatClient a = socket(alice, room);
        a.send(frame("type", "message", "room_id", room, "content", "over the socket", "client_id", "sse-1"));
        JsonObject ack = a.next("ack", ChatClient.WAIT, "message", "presence", "read");
        Event overSocket = s.next("message", WAIT, NOISE);
        assertEquals("2", overSocket.id(), overSocket::toString);
        JsonObject data = overSocket.json();
        assertEquals(2, number(data, "seq"), data::toString);
        assertEquals(number(ack, "id"), number(data, "id"), "the id the ack named: " + data);
        assertEquals("over the socket", data.getString("content"), data::toString);
        assertEquals("sse-1", data.getString("client_id"), data::toString);
        assertEquals(alice.name(), data.getString("sender"), data::toString);

        List<JsonObject> history = rest.history(room, bob);
        assertEquals(2, history.size(), history::toString);
        assertSameMessage(history.get(0), posted);
        assertSameMessage(history.get(1), data);

        // typing is relayed to the stream too, as an event without an id
        a.send(frame("type", "typing", "room_id", room, "is_typing", true));
        Event typing = s.next("typing", WAIT, "presence", "read");
        assertNull(typing.id(), "typing has no id: " + typing);
        JsonObject t = typing.json();
        assertEquals(room, number(t, "room_id"), t::toString);
        assertEquals(alice.name(), t.getString("user"), t::toString);
        assertTrue(t.getBoolean("is_typing"), t::toString);
        s.assertNothing(QUIET, NOISE);
    }

    @Test
    void lastEventIdResumesWithExactlyTheMissedMessagesThenLive() {
        long room = rest.publicRoom(alice, bob);
        SseClient first = stream(bob, room, "");
        assertSubscribed(first.next("subscribed"), room, 0, true, 0);
        rest.post(alice, room, "m1");
        rest.post(alice, room, "m2");
        assertEquals("1", first.next("message", WAIT, NOISE).id());
        Event second = first.next("message", WAIT, NOISE);
        assertEquals("2", second.id());
        assertEquals("2", first.lastEventId());
        first.close();

        List<JsonObject> missed =
                List.of(rest.post(alice, room, "m3"), rest.post(alice, room, "m4"), rest.post(alice, room, "m5"));

        SseClient again = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .lastEventId(second.id()));
        assertEquals(200, again.status(), again::body);
        assertSubscribed(again.next("subscribed"), room, 5, true, 3);
        for (JsonObject expected : missed) {
            assertMessageEvent(again.next("message", WAIT, NOISE), expected);
        }
        JsonObject live = rest.post(alice, room, "m6");
        assertMessageEvent(again.next("message", WAIT, NOISE), live);
        again.assertNothing(QUIET, NOISE);

        // a Last-Event-ID at the head replays nothing and is recovered
        SseClient atHead = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .lastEventId(6));
        assertSubscribed(atHead.next("subscribed"), room, 6, true, 0);
        JsonObject seventh = rest.post(alice, room, "m7");
        assertMessageEvent(atHead.next("message", WAIT, NOISE), seventh);
        assertMessageEvent(again.next("message", WAIT, NOISE), seventh);
    }

    @Test
    void sinceInTheQueryResumesLikeLastEventId() {
        long room = rest.publicRoom(alice, bob);
        List<JsonObject> posted = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            posted.add(rest.post(alice, room, "message " + i));
        }

        SseClient s = stream(bob, room, "?since=2");
        assertSubscribed(s.next("subscribed"), room, 5, true, 3);
        for (JsonObject expected : posted.subList(2, 5)) {
            assertMessageEvent(s.next("message", WAIT, NOISE), expected);
        }
        JsonObject live = rest.post(bob, room, "live after the replay");
        assertMessageEvent(s.next("message", WAIT, NOISE), live);
        s.assertNothing(QUIET, NOISE);

        SseClient fresh = stream(carolJoined(room), room, "");
        assertSubscribed(fresh.next("subscribed"), room, 6, true, 0);
        fresh.assertNothing(QUIET, NOISE);
    }

    @Test
    void moreThanTheRecoveryLimitMissingIsNotRecoveredAndNothingIsReplayed() {
        long room = rest.publicRoom(dave, bob);
        int total = RECOVERY_LIMIT + 2;
        for (int i = 1; i <= total; i++) {
            rest.post(dave, room, "bulk " + i);
        }

        // since=2: exactly the limit is missing, all of it is replayed in order
        SseClient within = stream(bob, room, "?since=2");
        assertSubscribed(within.next("subscribed"), room, total, true, RECOVERY_LIMIT);
        for (long seq = 3; seq <= total; seq++) {
            Event e = within.next("message", WAIT, NOISE);
            assertEquals(String.valueOf(seq), e.id(), e::toString);
            assertEquals("bulk " + seq, e.json().getString("content"), e::toString);
        }

        // since=1: one more than the limit is missing; nothing is replayed, live messages follow
        SseClient beyond = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .lastEventId(1));
        assertSubscribed(beyond.next("subscribed"), room, total, false, 0);
        JsonObject live = rest.post(dave, room, "after the gap");
        assertMessageEvent(beyond.next("message", WAIT, NOISE), live);
        assertMessageEvent(within.next("message", WAIT, NOISE), live);
        beyond.assertNothing(QUIET, NOISE);
    }

    // ---- tokens and visibility

    @Test
    void theTokenMayComeInTheQueryAndABadOneIs401WithoutAStream() {
        long room = rest.publicRoom(alice, bob);
        SseClient byQuery = open(SseClient.to(api, "/rooms/" + room + "/events?token=" + bob.token()));
        assertEquals(200, byQuery.status(), byQuery::body);
        assertEquals("text/event-stream", byQuery.contentType());
        assertSubscribed(byQuery.next("subscribed"), room, 0, true, 0);
        JsonObject posted = rest.post(alice, room, "for the query token");
        assertMessageEvent(byQuery.next("message", WAIT, NOISE), posted);

        String[] parts = bob.token().split("\\.");
        String badSignature = parts[0] + "." + parts[1] + ".AAAA";
        List<SseClient.Dial> refused = List.of(
                SseClient.to(api, "/rooms/" + room + "/events").as("no token"),
                SseClient.to(api, "/rooms/" + room + "/events")
                        .bearer("not-a-token")
                        .as("garbage bearer"),
                SseClient.to(api, "/rooms/" + room + "/events")
                        .bearer(badSignature)
                        .as("bad signature"),
                SseClient.to(api, "/rooms/" + room + "/events?token=not-a-token")
                        .as("garbage query token"),
                SseClient.to(api, "/rooms/" + room + "/events?token=" + badSignature)
                        .as("bad query signature"));
        for (SseClient.Dial dial : refused) {
            SseClient s = open(dial);
            assertProblem(401, s);
        }
    }

    @Test
    void outsidersGet404ForAPrivateOrUnknownRoomAnd403ForAPublicOne() {
        long secret = rest.privateRoom(alice);
        assertProblem(404, stream(bob, secret, ""));
        assertProblem(404, stream(bob, 987_654_321L, ""));

        long open = rest.publicRoom(alice);
        assertProblem(403, stream(bob, open, ""));
        assertProblem(403, open(SseClient.to(api, "/rooms/" + open + "/events?token=" + bob.token())));

        // the controls: members are let in
        assertSubscribed(stream(alice, secret, "").next("subscribed"), secret, 0, true, 0);
        rest.join(bob, open);
        assertSubscribed(stream(bob, open, "").next("subscribed"), open, 0, true, 0);
    }

    @Test
    void aDirectRoomStreamsToItsTwoMembersOnly() {
        JsonObject first = rest.direct(alice, carol, "hello carol, by stream");
        long room = number(first, "room_id");
        assertProblem(404, stream(bob, room, ""));

        SseClient s = stream(carol, room, "");
        assertSubscribed(s.next("subscribed"), room, 1, true, 0);
        JsonObject second = rest.direct(alice, carol, "and again");
        assertEquals(room, number(second, "room_id"), second::toString);
        assertMessageEvent(s.next("message", WAIT, NOISE), second);

        SseClient resumed = stream(alice, room, "?since=0");
        assertSubscribed(resumed.next("subscribed"), room, 2, true, 2);
        assertMessageEvent(resumed.next("message", WAIT, NOISE), first);
        assertMessageEvent(resumed.next("message", WAIT, NOISE), second);
    }

    // ---- edits and deletes

    @Test
    void editsAndDeletesReachTheStreamAsEventsWithoutAnId() {
        long room = rest.publicRoom(alice, bob);
        SseClient s = stream(bob, room, "");
        assertSubscribed(s.next("subscribed"), room, 0, true, 0);
        JsonObject m1 = rest.post(alice, room, "frist");
        JsonObject m2 = rest.post(alice, room, "to be deleted");
        assertMessageEvent(s.next("message", WAIT, NOISE), m1);
        assertMessageEvent(s.next("message", WAIT, NOISE), m2);

        var edited = rest.edit(alice, room, 1, "first");
        assertEquals(200, edited.status(), edited::toString);
        Event e = s.next("message_edited", WAIT, NOISE);
        assertNull(e.id(), "an edit has no event id (ids are seqs of new messages): " + e);
        JsonObject message = RestCalls.editedMessage(e.json());
        assertEquals(number(m1, "id"), number(message, "id"), message::toString);
        assertEquals(room, number(message, "room_id"), message::toString);
        assertEquals(1, number(message, "seq"), message::toString);
        assertEquals("first", message.getString("content"), message::toString);
        assertNotNull(Instant.parse(message.getString("edited_at")));

        var deleted = rest.deleteMessage(alice, room, 2);
        assertEquals(204, deleted.status(), deleted::toString);
        Event d = s.next("message_deleted", WAIT, NOISE);
        assertNull(d.id(), "a delete has no event id: " + d);
        JsonObject gone = d.json();
        assertEquals(room, number(gone, "room_id"), gone::toString);
        assertEquals(2, number(gone, "seq"), gone::toString);
        assertEquals(number(m2, "id"), number(gone, "id"), gone::toString);

        // seqs stay gap-free: the next message is 3, and its id says so
        JsonObject m3 = rest.post(alice, room, "third");
        assertEquals(3, number(m3, "seq"), m3::toString);
        assertMessageEvent(s.next("message", WAIT, NOISE), m3);

        // a resume replays the messages as they are now: the edit, and the tombstone
        SseClient replay = stream(bob, room, "?since=0");
        assertSubscribed(replay.next("subscribed"), room, 3, true, 3);
        JsonObject r1 = replay.next("message", WAIT, NOISE).json();
        assertEquals("first", r1.getString("content"), r1::toString);
        Event r2 = replay.next("message", WAIT, NOISE);
        assertEquals("2", r2.id(), r2::toString);
        assertTrue(r2.json().getBoolean("deleted"), r2::toString);
        assertTrue(RestCalls.absentOrNull(r2.json(), "content"), "a tombstone has no content: " + r2);
        assertEquals("3", replay.next("message", WAIT, NOISE).id());
    }

    // ---- helpers

    User carolJoined(long room) {
        rest.join(carol, room);
        return carol;
    }

    SseClient stream(User user, long room, String query) {
        return open(SseClient.to(api, "/rooms/" + room + "/events" + query)
                .bearer(user.token())
                .as(user.name()));
    }

    SseClient open(SseClient.Dial dial) {
        SseClient client = dial.open();
        opened.add(client);
        return client;
    }

    ChatClient socket(User user, long room) {
        ChatClient client = SocketWaits.roomSocket(api, user, room);
        opened.add(client);
        return client;
    }

    static void assertSubscribed(Event event, long room, long lastSeq, boolean recovered, long replayed) {
        assertEquals("subscribed", event.type(), event::toString);
        assertNull(event.id(), "subscribed has no id: " + event);
        JsonObject s = event.json();
        assertEquals("subscribed", s.getString("type"), s::toString);
        assertEquals(room, number(s, "room_id"), s::toString);
        assertEquals(lastSeq, number(s, "last_seq"), s::toString);
        assertEquals(recovered, s.getBoolean("recovered"), s::toString);
        assertEquals(replayed, number(s, "replayed"), s::toString);
    }

    /** An event message whose id is the seq and whose data is the expected message. */
    static void assertMessageEvent(Event event, JsonObject expected) {
        assertEquals("message", event.type(), event::toString);
        JsonObject data = event.json();
        assertEquals(String.valueOf(number(expected, "seq")), event.id(), "the event id is the seq: " + event);
        if (data.containsKey("type")) {
            assertEquals("message", data.getString("type"), data::toString);
        }
        assertSameMessage(expected, data);
    }

    static void assertProblem(int status, SseClient refused) {
        assertEquals(status, refused.status(), refused + ": " + refused.body());
        assertEquals("application/problem+json", refused.contentType(), refused + ": " + refused.body());
        assertEquals(status, refused.problem().getInt("status"), refused.body());
        assertTrue(refused.drain().isEmpty(), "no stream");
    }
}
