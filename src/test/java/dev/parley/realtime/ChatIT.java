package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static dev.parley.support.Frames.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.Frames;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.TestKeys;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat WebSocket, driven from outside as a client would: {@code /ws/chat/{room_id}} and the
 * multiplexed {@code /ws/chat}. The users are registered once per class (hashing is slow); every
 * test makes its own rooms, so presence and seqs start from scratch.
 */
@ParleyTest
class ChatIT {

    static final Duration QUIET = Duration.ofMillis(500);
    private static final System.Logger LOG = System.getLogger(ChatIT.class.getName());

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
    final List<ChatClient> opened = new ArrayList<>();

    @BeforeEach
    void users() {
        api = new Api(url);
        rest = new RestCalls(api);
        if (alice == null) {
            List<User> users = RestCalls.register(api, List.of("alice", "bob", "carol", "dave"));
            alice = users.get(0);
            bob = users.get(1);
            carol = users.get(2);
            dave = users.get(3);
        }
    }

    @AfterEach
    void closeSockets() {
        opened.forEach(ChatClient::close);
    }

    // ---- messages

    @Test
    void aliceAndBobGetEachOthersMessagesAndTheSenderAnAck() {
        long room = room(alice, bob);
        ChatClient a = joinRoom(alice, room);
        ChatClient b = joinRoom(bob, room);
        assertPresence(a.next("presence"), room, "join", bob, Map.of(alice.name(), 1, bob.name(), 1));

        a.send(say(room, "hello bob", "a-1"));
        JsonObject atBob = b.next("message");
        assertMessage(atBob, room, 1, alice, "hello bob", "a-1");
        Map<String, JsonObject> atAlice = a.nextOfEach(List.of("message", "ack"), WAIT);
        assertEquals(atBob, atAlice.get("message"), "the sender's own socket gets the same message frame");
        assertAck(atAlice.get("ack"), room, atBob, false);

        // on /ws/chat/{room_id} the room_id may be left out, and message_type defaults to text
        b.send(frame("type", "message", "content", "hi alice", "client_id", "b-1"));
        JsonObject atAliceFromBob = a.next("message");
        assertMessage(atAliceFromBob, room, 2, bob, "hi alice", "b-1");
        Map<String, JsonObject> atBobOwn = b.nextOfEach(List.of("message", "ack"), WAIT);
        assertEquals(atAliceFromBob, atBobOwn.get("message"));
        assertAck(atBobOwn.get("ack"), room, atAliceFromBob, false);

        List<JsonObject> stored = rest.history(room, alice);
        assertEquals(2, stored.size(), stored::toString);
        RestCalls.assertSameMessage(stored.get(0), atBob);
        RestCalls.assertSameMessage(stored.get(1), atAliceFromBob);
        JsonObject bySeq = api.get(
                        "/rooms/" + room + "/messages/" + atAlice.get("ack").getInt("seq"), bob.token())
                .json();
        assertEquals("hello bob", bySeq.getString("content"), "the ack's seq is the stored message's seq");
    }

    @Test
    void aRepeatedClientIdIsAckedAsADuplicateAndNotBroadcast() {
        long room = room(alice, bob);
        ChatClient a = joinRoom(alice, room);
        ChatClient b = joinRoom(bob, room);
        assertPresence(a.next("presence"), room, "join", bob, Map.of(alice.name(), 1, bob.name(), 1));

        a.send(say(room, "once", "dup-1"));
        JsonObject first = b.next("message");
        assertAck(a.nextOfEach(List.of("message", "ack"), WAIT).get("ack"), room, first, false);

        a.send(say(room, "different text, same client_id", "dup-1"));
        assertAck(a.next("ack"), room, first, true);

        // a later message is the fence: a broadcast repeat would have come before it
        a.send(say(room, "twice", "dup-2"));
        assertMessage(b.next("message"), room, 2, alice, "twice", "dup-2");
        Map<String, JsonObject> second = a.nextOfEach(List.of("message", "ack"), WAIT);
        assertMessage(second.get("message"), room, 2, alice, "twice", "dup-2");
        assertAck(second.get("ack"), room, second.get("message"), false);
        assertEquals(List.of("once", "twice"), contents(rest.history(room, bob)));
    }

    @Test
    void aRestPostReachesEverySocketOfTheRoom() {
        long room = room(alice, bob);
        ChatClient a = joinRoom(alice, room);
        ChatClient b = joinRoom(bob, room);
        assertPresence(a.next("presence"), room, "join", bob, Map.of(alice.name(), 1, bob.name(), 1));

        JsonObject posted = rest.post(alice, room, "over REST", "r-1");
        JsonObject postedByBob = rest.post(bob, room, "REST again", null);
        for (ChatClient client : List.of(a, b)) {
            JsonObject m = client.next("message");
            assertMessage(m, room, 1, alice, "over REST", "r-1");
            RestCalls.assertSameMessage(posted, m);
            JsonObject m2 = client.next("message");
            assertMessage(m2, room, 2, bob, "REST again", null);
            RestCalls.assertSameMessage(postedByBob, m2);
            assertEquals(List.of(), client.fence(), "a REST post sends no ack to any socket");
        }
    }

    @Test
    void aMultiplexedSocketGetsItsSubscribedRoomsAndNoneOfTheOthers() {
        long r1 = room(alice, bob);
        long r2 = room(alice, bob);
        long r3 = room(alice, bob);
        rest.post(bob, r2, "before alice came", null);

        ChatClient a = opened(
                ChatClient.to(api, "/ws/chat?room=" + r1).bearer(alice.token()).open(), alice, true, r1);
        subscribe(a, alice, r2);
        subscribe(a, alice, r3);
        a.send(frame("type", "unsubscribe", "room_id", r3));
        // the protocol names no answer to unsubscribe; tolerate one, and alice's own leave, but nothing else
        for (JsonObject f : a.fence()) {
            boolean ownLeave = "presence".equals(ChatClient.type(f))
                    && alice.name().equals(f.getString("user"))
                    && "leave".equals(f.getString("event"));
            assertTrue(ownLeave || "unsubscribed".equals(ChatClient.type(f)), f::toString);
        }

        rest.post(bob, r3, "r3, first", null);
        rest.post(bob, r1, "r1, hello", null);
        rest.post(bob, r2, "r2, hello", null);
        rest.post(bob, r3, "r3, again", null);
        Map<Long, JsonObject> byRoom = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            JsonObject m = a.next("message");
            byRoom.put(m.getJsonNumber("room_id").longValue(), m);
        }
        assertEquals(List.of(r1, r2), byRoom.keySet().stream().sorted().toList(), byRoom::toString);
        assertMessage(byRoom.get(r1), r1, 1, bob, "r1, hello", null);
        assertMessage(byRoom.get(r2), r2, 2, bob, "r2, hello", null);

        // sending into one of several rooms names the room
        a.send(say(r2, "alice in r2", "mx-1"));
        Map<String, JsonObject> own = a.nextOfEach(List.of("message", "ack"), WAIT);
        assertMessage(own.get("message"), r2, 3, alice, "alice in r2", "mx-1");
        assertAck(own.get("ack"), r2, own.get("message"), false);

        // fence: a later message in r1 arrives, and nothing from r3 before or after it
        rest.post(bob, r1, "r1, fence", null);
        assertMessage(a.next("message"), r1, 2, bob, "r1, fence", null);
        a.assertNothing(QUIET);
        assertEquals(
                List.of("r3, first", "r3, again"),
                contents(rest.history(r3, alice)),
                "r3 got its messages, alice's socket did not");
    }

    // ---- presence and typing

    @Test
    void presenceAnnouncesAUsersFirstConnectionAndLastDisconnection() {
        long room = room(alice, bob, carol);
        ChatClient a = joinRoom(alice, room);
        assertEquals(Map.of(alice.name(), 1), online(room, alice));

        ChatClient b1 = joinRoom(bob, room);
        assertPresence(a.next("presence"), room, "join", bob, Map.of(alice.name(), 1, bob.name(), 1));
        ChatClient b2 = secondDevice(bob, room);
        assertEquals(List.of(), b1.fence(), "bob's first device hears nothing of his second");

        // carol's join is the fence: a second join for bob would have come before it
        ChatClient c = joinRoom(carol, room);
        Map<String, Integer> all = Map.of(alice.name(), 1, bob.name(), 2, carol.name(), 1);
        for (ChatClient observer : List.of(a, b1, b2)) {
            assertPresence(observer.next("presence"), room, "join", carol, all);
        }
        assertEquals(all, online(room, carol));

        b1.close();
        assertEquals(1000, b1.awaitClose(WAIT));
        Map<String, Integer> bobOnce = Map.of(alice.name(), 1, bob.name(), 1, carol.name(), 1);
        await().atMost(WAIT).untilAsserted(() -> assertEquals(bobOnce, online(room, alice)));

        // carol drops without a close frame; her leave is the fence for a wrong leave of bob's
        c.abort();
        Map<String, Integer> withoutCarol = Map.of(alice.name(), 1, bob.name(), 1);
        assertPresence(a.next("presence"), room, "leave", carol, withoutCarol);
        assertPresence(b2.next("presence"), room, "leave", carol, withoutCarol);

        b2.close();
        assertPresence(a.next("presence"), room, "leave", bob, Map.of(alice.name(), 1));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(Map.of(alice.name(), 1), online(room, alice)));
        a.assertNothing(QUIET);

        var outsider = api.get("/rooms/" + room + "/presence", dave.token());
        assertEquals(403, outsider.status(), "presence is for members: " + outsider);
    }

    /**
     * Past {@code parley.presence.max-listed} users (4 on the test server) a presence frame
     * carries the count and no list, so a join in a big room does not send the whole room to
     * the whole room; the full list stays one GET away.
     */
    @Test
    void aBigRoomsPresenceFramesCarryTheCountNotTheList() {
        List<User> crowd = RestCalls.register(api, List.of("crowd", "crowd", "crowd", "crowd", "crowd"));
        long room = RestCalls.createRoom(api, crowd.get(0), "{\"name\":\"Crowded\"}", crowd.subList(1, 5));
        ChatClient first = joinRoom(crowd.get(0), room);
        for (int i = 1; i < 4; i++) {
            joinRoom(crowd.get(i), room);
            assertEquals(i + 1, first.next("presence").getJsonArray("online").size());
        }
        joinRoom(crowd.get(4), room);
        JsonObject fifth = first.next("presence");
        assertEquals(crowd.get(4).name(), fifth.getString("user"), fifth::toString);
        assertEquals(5, fifth.getInt("online_count"), fifth::toString);
        assertFalse(fifth.containsKey("online"), "no list past the limit: " + fifth);
        assertEquals(5, online(room, crowd.get(0)).size(), "the full list over REST");
    }

    @Test
    void typingReachesTheOthersButNotTheSenderAndIsNeverStored() {
        long room = room(alice, bob);
        ChatClient a1 = joinRoom(alice, room);
        ChatClient b = joinRoom(bob, room);
        assertPresence(a1.next("presence"), room, "join", bob, Map.of(alice.name(), 1, bob.name(), 1));
        ChatClient a2 = secondDevice(alice, room);

        a1.send(frame("type", "typing", "room_id", room, "is_typing", true));
        assertTyping(b.next("typing"), room, alice, true);
        assertEquals(List.of(), a1.fence(), "the typist's own socket gets nothing");
        assertEquals(List.of(), a2.fence(), "nor does the typist's other device");
        a2.assertNothing(QUIET);

        a1.send(frame("type", "typing", "room_id", room, "is_typing", false));
        assertTyping(b.next("typing"), room, alice, false);

        b.send(frame("type", "typing", "room_id", room, "is_typing", true));
        assertTyping(a1.next("typing"), room, bob, true);
        assertTyping(a2.next("typing"), room, bob, true);
        assertEquals(List.of(), b.fence());

        assertEquals(List.of(), rest.history(room, alice), "typing is never stored");
        assertEquals(0, rest.lastSeq(room, alice));
    }

    // ---- refusals

    @Test
    void aHandshakeWithoutAValidTokenIsRefusedWith401() throws Exception {
        long room = room(alice);
        String path = "/ws/chat/" + room;
        assertEquals(401, ChatClient.to(api, path).refusal(), "no token");
        assertEquals(401, ChatClient.to(api, "/ws/chat").refusal(), "no token, multiplexed");
        assertEquals(401, ChatClient.to(api, path).bearer("not-a-token").refusal(), "garbage");
        String[] parts = alice.token().split("\\.");
        assertEquals(
                401,
                ChatClient.to(api, path)
                        .bearer(parts[0] + "." + parts[1] + ".AAAA")
                        .refusal(),
                "bad signature");

        String expired = TestKeys.forgedToken(alice, -600);
        assertEquals(401, ChatClient.to(api, path).bearer(expired).refusal(), "expired, in the header");
        assertEquals(401, ChatClient.to(api, path + "?token=" + expired).refusal(), "expired, in the query");
        assertEquals(401, ChatClient.to(api, "/ws/chat?access_token=" + expired).refusal(), "expired, in the alias");

        // the control: the same forgery, still valid, is let in, so the refusals are about expiry
        opened(ChatClient.to(api, path).bearer(TestKeys.forgedToken(alice, 600)).open(), alice, true, room);
    }

    /** A refused handshake is answered like any REST refusal: problem+json with its status. */
    @Test
    void aRefusedHandshakeIsAnsweredWithAProblem() {
        Api.Reply anonymous = api.send(
                HttpRequest.newBuilder(URI.create(api.base() + "/ws/chat")).GET());
        assertEquals(401, anonymous.status(), anonymous::toString);
        assertEquals("application/problem+json", anonymous.contentType(), anonymous::toString);
        assertEquals(401, anonymous.json().getInt("status"), anonymous::toString);
        assertEquals("Bearer", anonymous.header("WWW-Authenticate").orElse(""));

        Api.Reply foreign = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/ws/chat/" + room(alice)))
                .header("Authorization", "Bearer " + alice.token())
                .header("Origin", "http://evil.example")
                .GET());
        assertEquals(403, foreign.status(), foreign::toString);
        assertEquals("application/problem+json", foreign.contentType(), foreign::toString);
        assertEquals("Forbidden", foreign.json().getString("title"), foreign::toString);
    }

    @Test
    void aForeignOriginIsRefusedWith403() {
        long room = room(alice);
        String path = "/ws/chat/" + room;
        assertEquals(
                403,
                ChatClient.to(api, path)
                        .bearer(alice.token())
                        .origin("http://evil.example")
                        .refusal());
        assertEquals(
                403,
                ChatClient.to(api, path + "?token=" + alice.token())
                        .origin("http://evil.example")
                        .refusal());

        for (String allowed : List.of("http://localhost:5173", "http://127.0.0.1:" + url.getPort())) {
            ChatClient client = opened(
                    ChatClient.to(api, path)
                            .bearer(alice.token())
                            .origin(allowed)
                            .open(),
                    alice,
                    true,
                    room);
            client.close();
            assertEquals(1000, client.awaitClose(WAIT), "closed normally after a successful open from " + allowed);
        }
    }

    @Test
    void theTokenMayComeInTheHeaderOrTheQuery() {
        long room = room(alice, bob, carol);
        opened(
                ChatClient.to(api, "/ws/chat/" + room + "?token=" + alice.token())
                        .open(),
                alice,
                true,
                room);
        opened(
                ChatClient.to(api, "/ws/chat?room=" + room + "&access_token=" + bob.token())
                        .open(),
                bob,
                true,
                room);
        opened(
                ChatClient.to(api, "/ws/chat/" + room + "?access_token=" + carol.token())
                        .open(),
                carol,
                true,
                room);
        opened(ChatClient.to(api, "/ws/chat").bearer(dave.token()).open(), dave, true);
    }

    @Test
    void aNonMemberIsClosedWith4003() {
        long room = room(alice);
        ChatClient b =
                track(ChatClient.to(api, "/ws/chat/" + room).bearer(bob.token()).open());
        assertError(b.next("error", WAIT, "connected"), "not_member", null);
        assertEquals(4003, b.awaitClose(WAIT));
        assertEquals(Map.of(), online(room, alice));
    }

    @Test
    void anUnknownOrInvisibleRoomIsClosedWith4004() {
        long secret = RestCalls.createRoom(api, alice, "{\"name\":\"Secret\",\"visibility\":\"private\"}", List.of());
        for (long room : List.of(987_654_321L, secret)) {
            ChatClient b = track(
                    ChatClient.to(api, "/ws/chat/" + room).bearer(bob.token()).open());
            assertError(b.next("error", WAIT, "connected"), "room_not_found", null);
            assertEquals(4004, b.awaitClose(WAIT), "room " + room);
        }
    }

    @Test
    void aForeignRoomOnTheMultiplexedSocketIsAnErrorAndTheSocketStaysUsable() {
        long alices = room(alice);
        long bobs = room(bob);
        ChatClient b = multiplexed(bob);

        b.send(frame("type", "subscribe", "room_id", alices, "ref", "s-1"));
        assertError(b.next("error"), "not_member", "s-1");
        assertEquals(List.of(), b.fence());
        b.send(say(alices, "drive-by", "x-1"));
        assertError(b.next("error"), "not_member", "x-1");

        subscribe(b, bob, bobs);
        rest.post(alice, alices, "not for bob", null);
        rest.post(bob, bobs, "for bob", null);
        assertMessage(b.next("message"), bobs, 1, bob, "for bob", null);
        b.assertNothing(QUIET);
        assertFalse(b.isClosed());
        assertEquals(List.of("not for bob"), contents(rest.history(alices, alice)), "bob's drive-by was not stored");
    }

    // ---- bad frames

    @Test
    void badFramesGetAnErrorAndTheConnectionStaysUsable() {
        long room = room(alice);
        long other = room(alice);
        ChatClient a = joinRoom(alice, room);

        a.send("{\"type\":\"message\",");
        assertError(a.next("error"), "bad_json", null);
        assertEquals(List.of(), a.fence());

        a.send(frame("type", "dance", "ref", "u-1"));
        assertError(a.next("error"), "unknown_type", "u-1");
        assertEquals(List.of(), a.fence());

        a.send(frame("type", "message", "client_id", "m-1"));
        assertError(a.next("error"), "invalid", "m-1");
        a.send(frame("type", "message", "content", "   ", "client_id", "m-2"));
        assertError(a.next("error"), "invalid", "m-2");
        a.send(frame("type", "message", "content", "x".repeat(4001), "client_id", "m-3", "ref", "r-3"));
        assertError(a.next("error"), "too_long", "r-3");
        a.send(say(other, "wrong room for this socket", "m-4"));
        assertError(a.next("error"), "invalid", "m-4");
        assertEquals(List.of(), a.fence());

        a.send(say(room, "x".repeat(4000), "m-5"));
        Map<String, JsonObject> good = a.nextOfEach(List.of("message", "ack"), WAIT);
        assertMessage(good.get("message"), room, 1, alice, "x".repeat(4000), "m-5");
        assertAck(good.get("ack"), room, good.get("message"), false);
        assertEquals(1, rest.history(room, alice).size(), "only the good message was stored");
        assertEquals(List.of(), rest.history(other, alice));
    }

    @Test
    void aFrameOver64KiBIsClosedWith1009() {
        long room = room(alice);
        String huge = say(room, "x".repeat(70_000), "huge").toString();
        assertEquals(1009, ChatClient.sendSingleFrame(api, "/ws/chat/" + room, alice.token(), huge), "one 70 KB frame");
        assertEquals(List.of(), rest.history(room, alice));
    }

    @Test
    void aMessageOver64KiBInSmallFragmentsIsClosedWith1009() {
        long room = room(alice);
        ChatClient a = joinRoom(alice, room);
        // the JDK client sends these 70 KB as frames of 16 KiB: the message is over the limit all the same
        a.sendRaw(say(room, "x".repeat(70_000), "huge").toString());
        assertEquals(1009, a.awaitClose(WAIT));
        assertEquals(List.of(), rest.history(room, alice));
    }

    @Test
    void aBinaryFrameIsClosedWith1003() {
        long room = room(alice);
        ChatClient a = joinRoom(alice, room);
        a.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(1003, a.awaitClose(WAIT));
    }

    // ---- liveness

    @Test
    void pingAndHeartbeatAreAnsweredWithPong() {
        long room = room(alice);
        ChatClient a = joinRoom(alice, room);
        ChatClient m = multiplexed(alice);
        for (ChatClient client : List.of(a, m)) {
            for (String type : List.of("ping", "heartbeat")) {
                client.send(frame("type", type, "ref", type + "-1"));
                assertEquals("pong", ChatClient.type(client.next("pong")));
            }
        }
    }

    @Test
    void aClientThatStopsAnsweringIsClosedAndLeavesPresence() {
        long room = room(alice, carol);
        ChatClient a = joinRoom(alice, room);
        ChatClient c = joinRoom(carol, room);
        assertPresence(a.next("presence"), room, "join", carol, Map.of(alice.name(), 1, carol.name(), 1));

        c.stopRequesting();
        assertPresence(a.next("presence", Duration.ofSeconds(30)), room, "leave", carol, Map.of(alice.name(), 1));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertEquals(Map.of(alice.name(), 1), online(room, alice)));

        // alice sent nothing all that time either, but her client answered the pings: she stays
        assertTrue(a.pingsReceived() >= 2, "the server pings idle sockets: " + a.pingsReceived() + " pings");
        assertEquals(List.of(), a.fence());
        assertFalse(a.isClosed());

        c.resumeRequesting();
        ChatClient.Closure closed = c.awaitClosure(WAIT);
        LOG.log(System.Logger.Level.INFO, "the silent client was closed with " + closed.code() + " " + closed.reason());
    }

    // ---- the seed clients

    @Test
    void seedClientsOnTheRoomPathAndOnSessionIdWork() {
        long room = room(alice, bob);
        ChatClient seedA = opened(
                ChatClient.to(api, "/ws/chat/" + room + "?token=" + alice.token())
                        .open(),
                alice,
                true,
                room);
        ChatClient seedB = opened(
                ChatClient.to(api, "/ws/chat?sessionId=" + room + "&token=" + bob.token())
                        .open(),
                bob,
                true,
                room);

        seedA.send("{\"type\":\"message\",\"content\":\"from the room page\",\"message_type\":\"text\"}");
        for (ChatClient client : List.of(seedB, seedA)) {
            assertSeedMessage(client.next("message", WAIT, "presence", "ack"), room, alice, "from the room page");
        }
        seedB.send("{\"type\":\"message\",\"content\":\"from the session page\",\"message_type\":\"text\"}");
        for (ChatClient client : List.of(seedA, seedB)) {
            assertSeedMessage(client.next("message", WAIT, "presence", "ack"), room, bob, "from the session page");
        }
        for (ChatClient client : List.of(seedA, seedB)) {
            client.send("{\"type\":\"heartbeat\"}");
            client.next("pong", WAIT, "ack");
        }
        assertEquals(List.of("from the room page", "from the session page"), contents(rest.history(room, alice)));
    }

    // ---- opening sockets

    ChatClient track(ChatClient client) {
        opened.add(client);
        return client;
    }

    /** A socket on {@code /ws/chat/{room}}, past its connected and subscribed frames, with an empty queue. */
    ChatClient joinRoom(User user, long room) {
        return opened(
                ChatClient.to(api, "/ws/chat/" + room).bearer(user.token()).open(), user, true, room);
    }

    /** Like {@link #joinRoom}, for a user who is already connected to the room: no join at all. */
    ChatClient secondDevice(User user, long room) {
        return opened(
                ChatClient.to(api, "/ws/chat/" + room).bearer(user.token()).open(), user, false, room);
    }

    ChatClient multiplexed(User user) {
        return opened(ChatClient.to(api, "/ws/chat").bearer(user.token()).open(), user, true);
    }

    /** Checks the opening frames: connected, then subscribed for each room subscribed at open. */
    ChatClient opened(ChatClient client, User user, boolean firstOfUser, long... rooms) {
        track(client);
        JsonObject connected = client.next("connected");
        JsonObject who = connected.getJsonObject("user");
        assertEquals(user.id(), who.getJsonNumber("id").longValue(), connected::toString);
        assertEquals(user.name(), who.getString("username"), connected::toString);
        assertTrue(who.containsKey("display_name"), connected::toString);
        assertFalse(connected.getString("connection_id").isBlank(), connected::toString);
        for (long room : rooms) {
            // the user's own join may race ahead of the subscribed frame
            assertSubscribed(client.next("subscribed", WAIT, "presence"), user, room);
        }
        settle(client, user, firstOfUser);
        return client;
    }

    void subscribe(ChatClient client, User user, long room) {
        client.send(frame("type", "subscribe", "room_id", room));
        assertSubscribed(client.next("subscribed", WAIT, "presence"), user, room);
        settle(client, user, true);
    }

    /**
     * Empties the queue up to a pong. Only the user's own join may be in it, and only for the
     * user's first connection: whether a newcomer hears its own join is not part of the contract.
     */
    void settle(ChatClient client, User user, boolean firstOfUser) {
        for (JsonObject frame : client.fence()) {
            boolean ownJoin = "presence".equals(ChatClient.type(frame))
                    && "join".equals(frame.getString("event"))
                    && user.name().equals(frame.getString("user"));
            assertTrue(firstOfUser && ownJoin, "unexpected frame right after opening: " + frame);
        }
    }

    void assertSubscribed(JsonObject subscribed, User user, long room) {
        assertEquals(room, subscribed.getJsonNumber("room_id").longValue(), subscribed::toString);
        assertEquals(
                rest.lastSeq(room, user), subscribed.getJsonNumber("last_seq").longValue(), subscribed::toString);
        assertTrue(subscribed.getBoolean("recovered"), subscribed::toString);
        assertEquals(0, subscribed.getInt("replayed"), subscribed::toString);
    }

    // ---- frames and their checks

    // ---- REST

    Map<String, Integer> online(long room, User asker) {
        var presence = api.get("/rooms/" + room + "/presence", asker.token());
        assertEquals(200, presence.status(), presence::toString);
        return Frames.online(presence.json().getJsonArray("online"));
    }

    long room(User owner, User... members) {
        return RestCalls.createRoom(api, owner, "{\"name\":\"Chat\"}", List.of(members));
    }
}
