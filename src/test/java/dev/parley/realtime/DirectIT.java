package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static dev.parley.support.RestCalls.assertProblem;
import static dev.parley.support.RestCalls.assertSameMessage;
import static dev.parley.support.RestCalls.number;
import static dev.parley.support.SocketWaits.message;
import static dev.parley.support.SocketWaits.ofType;
import static dev.parley.support.SocketWaits.roomAdded;
import static dev.parley.support.SocketWaits.types;
import static dev.parley.support.SocketWaits.until;
import static dev.parley.support.SocketWaits.withoutNoise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.SocketWaits;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct messages and the personal traffic of {@code /ws/chat}: the one two-person room per pair,
 * found or created by whoever writes first (also when both write at once), its refusal of third
 * parties, {@code GET /api/direct}, and the {@code room_added} / {@code room_removed} frames and
 * direct-room messages that reach a multiplexed socket without a subscription, and the rooms an
 * {@code all=true} socket follows. A pair has only one direct room, so every test registers its
 * own users.
 */
@ParleyTest
class DirectIT {

    static final Duration QUIET = Duration.ofMillis(500);

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
    void clients() {
        api = new Api(url);
        rest = new RestCalls(api);
    }

    @AfterEach
    void closeSockets() {
        opened.forEach(ChatClient::close);
    }

    // ---- the room of a pair

    @Test
    void aliceToBobCreatesADirectRoomAndBobToAliceReusesIt() {
        List<User> users = RestCalls.register(api, "alice", "bob", "carol");
        User alice = users.get(0);
        User bob = users.get(1);
        User carol = users.get(2);

        JsonObject first = rest.direct(alice, bob, "hi bob");
        long room = number(first, "room_id");
        assertEquals(1, number(first, "seq"), first::toString);
        assertEquals(alice.id(), number(first, "sender_id"), first::toString);

        JsonObject reply = rest.direct(bob, alice, "hi alice");
        assertEquals(room, number(reply, "room_id"), "bob's answer goes to the same room: " + reply);
        assertEquals(2, number(reply, "seq"), reply::toString);
        JsonObject again = rest.direct(alice, bob, "how are you?");
        assertEquals(room, number(again, "room_id"), again::toString);
        assertEquals(3, number(again, "seq"), again::toString);

        for (User member : List.of(alice, bob)) {
            JsonObject found = rest.room(room, member);
            assertEquals("direct", found.getString("visibility"), found::toString);
            assertEquals(2, number(found, "member_count"), found::toString);
            assertEquals(3, number(found, "last_seq"), found::toString);
            JsonObject listed = rest.listed(member, room)
                    .orElseThrow(() -> new AssertionError(
                            "the direct room is listed for " + member.name() + ": " + rest.rooms(member)));
            assertEquals("direct", listed.getString("visibility"), listed::toString);
            assertTrue(listed.getBoolean("member"), listed::toString);
            assertEquals(List.of(alice.name(), bob.name()).stream().sorted().toList(), rest.memberNames(room, member));
            List<JsonObject> history = rest.history(room, member);
            assertEquals(
                    List.of("hi bob", "hi alice", "how are you?"),
                    history.stream().map(m -> m.getString("content")).toList());
            assertSameMessage(first, history.get(0));
            assertSameMessage(reply, history.get(1));
        }
        assertEquals(1, rest.directs(alice).size(), rest.directs(alice)::toString);
        assertEquals(1, rest.directs(bob).size(), rest.directs(bob)::toString);

        // the room is invisible to everyone else
        assertTrue(
                rest.listed(carol, room).isEmpty(),
                "a direct room is listed for its two members only: " + rest.rooms(carol));
        assertProblem(404, api.get("/rooms/" + room, carol.token()));
        assertProblem(404, api.get("/rooms/" + room + "/messages", carol.token()));
        assertProblem(404, api.post("/rooms/" + room + "/messages", "{\"content\":\"let me in\"}", carol.token()));
        assertProblem(404, api.put("/rooms/" + room + "/members/me", carol.token()));
        assertEquals(List.of(), rest.directs(carol));
    }

    @Test
    void tenConcurrentFirstMessagesFromBothSidesMakeOneRoom() throws Exception {
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);

        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Api.Reply> replies = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Reply>> sending = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                User from = i % 2 == 0 ? alice : bob;
                User to = i % 2 == 0 ? bob : alice;
                String content = "race " + i;
                sending.add(pool.submit(() -> {
                    go.await();
                    return rest.direct(from, to.name(), content);
                }));
            }
            go.countDown();
            for (Future<Api.Reply> sent : sending) {
                replies.add(sent.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        for (Api.Reply reply : replies) {
            assertEquals(201, reply.status(), reply::toString);
        }
        Set<Long> rooms = replies.stream().map(r -> number(r.json(), "room_id")).collect(Collectors.toSet());
        assertEquals(1, rooms.size(), "one room for the pair: " + replies);
        long room = rooms.iterator().next();
        assertEquals(
                LongStream.rangeClosed(1, 10).boxed().collect(Collectors.toSet()),
                replies.stream().map(r -> number(r.json(), "seq")).collect(Collectors.toSet()),
                replies::toString);

        List<JsonObject> history = rest.history(room, bob);
        assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), RestCalls.seqs(history));
        Map<String, JsonObject> byContent =
                history.stream().collect(Collectors.toMap(m -> m.getString("content"), Function.identity()));
        for (Api.Reply reply : replies) {
            assertSameMessage(reply.json(), byContent.get(reply.json().getString("content")));
        }
        for (User user : List.of(alice, bob)) {
            List<JsonObject> directs = rest.directs(user);
            assertEquals(1, directs.size(), directs::toString);
            assertEquals(room, number(directs.get(0), "room_id"), directs::toString);
            assertEquals(
                    1,
                    rest.rooms(user).stream()
                            .filter(r -> "direct".equals(r.getString("visibility")))
                            .count(),
                    rest.rooms(user)::toString);
            assertEquals(10, rest.lastSeq(room, user));
        }
    }

    // ---- refusals

    @Test
    void aDirectRoomRefusesAThirdMember() {
        List<User> users = RestCalls.register(api, "alice", "bob", "carol");
        User alice = users.get(0);
        User bob = users.get(1);
        User carol = users.get(2);
        long room = number(rest.direct(alice, bob, "just us two"), "room_id");

        assertProblem(403, rest.addMember(alice, room, carol.name()));
        assertProblem(403, rest.addMember(bob, room, carol.name()));
        assertProblem(404, api.get("/rooms/" + room, carol.token()));
        assertEquals(List.of(alice.name(), bob.name()).stream().sorted().toList(), rest.memberNames(room, alice));
        assertEquals(2, number(rest.room(room, bob), "member_count"));
        assertTrue(rest.listed(carol, room).isEmpty(), rest.rooms(carol)::toString);
    }

    @Test
    void messagingYourselfIs400AndAnUnknownUser404() {
        User alice = Users.create(api, "alice");
        assertProblem(400, rest.direct(alice, alice.name(), "note to self"));
        assertProblem(404, rest.direct(alice, Users.unique("ghost"), "anyone there?"));
        assertEquals(
                401,
                api.post("/direct/" + alice.name() + "/messages", "{\"content\":\"anonymous\"}", null)
                        .status());
        assertEquals(401, api.get("/direct", null).status());
        assertEquals(List.of(), rest.directs(alice), "no room was made for a refused message");
        assertTrue(
                rest.rooms(alice).stream().noneMatch(r -> "direct".equals(r.getString("visibility"))),
                rest.rooms(alice)::toString);
    }

    // ---- GET /direct

    @Test
    void theDirectListShowsTheOtherPersonTheLastSeqAndTheUnreadCount() {
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);
        User carol = RestCalls.registerNamed(api, "carol", "Carol Christmas");

        long withBob = number(rest.direct(alice, bob, "one"), "room_id");
        rest.direct(alice, bob, "two");
        long withCarol = number(rest.direct(carol, alice, "from carol"), "room_id");
        assertFalse(withBob == withCarol);

        Map<Long, JsonObject> alices = byRoom(rest.directs(alice));
        assertEquals(Set.of(withBob, withCarol), alices.keySet(), alices::toString);
        assertDirect(alices.get(withBob), withBob, bob, bob.name(), 2, 0);
        assertDirect(alices.get(withCarol), withCarol, carol, "Carol Christmas", 1, 1);

        Map<Long, JsonObject> bobs = byRoom(rest.directs(bob));
        assertEquals(Set.of(withBob), bobs.keySet(), bobs::toString);
        assertDirect(bobs.get(withBob), withBob, alice, alice.name(), 2, 2);

        Map<Long, JsonObject> carols = byRoom(rest.directs(carol));
        assertEquals(Set.of(withCarol), carols.keySet(), carols::toString);
        assertDirect(carols.get(withCarol), withCarol, alice, alice.name(), 1, 0);

        // reading and answering bring the counts down
        assertEquals(204, rest.read(bob, withBob, 1).status());
        assertDirect(byRoom(rest.directs(bob)).get(withBob), withBob, alice, alice.name(), 2, 1);
        rest.direct(alice, carol, "back to you");
        assertDirect(byRoom(rest.directs(alice)).get(withCarol), withCarol, carol, "Carol Christmas", 2, 0);
        assertDirect(byRoom(rest.directs(carol)).get(withCarol), withCarol, alice, alice.name(), 2, 1);
    }

    // ---- personal delivery on /ws/chat

    @Test
    void aSocketConnectedBeforeTheFirstMessageGetsRoomAddedAndTheMessage() {
        List<User> users = RestCalls.register(api, "alice", "bob", "carol");
        User alice = users.get(0);
        User bob = users.get(1);
        User carol = users.get(2);
        ChatClient b = track(SocketWaits.multiplexed(api, bob, ""));
        ChatClient a = track(SocketWaits.multiplexed(api, alice, ""));
        ChatClient c = track(SocketWaits.multiplexed(api, carol, ""));
        for (ChatClient client : List.of(a, b, c)) {
            SocketWaits.settle(client);
        }

        String text = "hello bob, are you there?";
        JsonObject first = rest.direct(alice, bob, text);
        long room = number(first, "room_id");
        // bob first: the one who did not ask for anything; alice's socket is told of her new room too
        for (ChatClient client : List.of(b, a)) {
            List<JsonObject> frames =
                    new ArrayList<>(withoutNoise(until(client, message(room, text), "the first direct message")));
            int messageAt = frames.size() - 1;
            if (frames.stream().noneMatch(roomAdded(room))) {
                frames.addAll(withoutNoise(until(client, roomAdded(room), "room_added for the new direct room")));
            }
            assertEquals(1, frames.stream().filter(ofType("message")).count(), client + ": one message: " + frames);
            assertEquals(
                    1, frames.stream().filter(ofType("room_added")).count(), client + ": one room_added: " + frames);
            for (int i = 0; i < frames.size(); i++) {
                JsonObject frame = frames.get(i);
                String type = ChatClient.type(frame);
                switch (type) {
                    case "message" -> assertSameMessage(first, frame);
                    case "room_added" -> {
                        JsonObject added = frame.getJsonObject("room");
                        assertEquals(room, number(added, "id"), frame::toString);
                        assertEquals("direct", added.getString("visibility"), frame::toString);
                    }
                    case "subscribed" -> {
                        assertEquals(room, number(frame, "room_id"), frame::toString);
                        assertTrue(i < messageAt, client + ": a subscribed comes before the message: " + frames);
                    }
                    default -> throw new AssertionError(client + ": unexpected " + frame + " among " + frames);
                }
            }
            SocketWaits.settle(client);
        }

        // bob answers over REST: both sockets hear it, now that the server follows the room for them
        JsonObject answer = rest.direct(bob, alice, "here I am");
        assertEquals(room, number(answer, "room_id"), answer::toString);
        for (ChatClient client : List.of(a, b)) {
            assertSameMessage(answer, client.next("message", WAIT, "presence", "read", "typing"));
            SocketWaits.settle(client);
        }

        // carol's socket heard none of it
        SocketWaits.settle(c);
        c.assertNothing(QUIET, "presence", "typing");
    }

    /**
     * The server remembers each user's direct rooms between handshakes: a room made after a
     * user's first socket must still be followed by the next one, whether its channel is live on
     * the node (another socket follows it) or not (no socket does).
     */
    @Test
    void everyNewSocketFollowsADirectRoomMadeAfterTheUsersFirstSocket() {
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);
        ChatClient first = track(SocketWaits.multiplexed(api, alice, ""));
        assertEquals(List.of(), withoutNoise(first.fence()), "no direct rooms yet");

        long room = number(rest.direct(bob, alice, "one"), "room_id");
        until(first, message(room, "one"), "the first direct message on the socket that was open");

        // the room is live on the node: the first socket follows it
        ChatClient second = track(SocketWaits.multiplexed(api, alice, ""));
        assertSubscribedAt(second, room, 1);
        rest.direct(bob, alice, "two");
        for (ChatClient client : List.of(first, second)) {
            until(client, message(room, "two"), "the second direct message");
        }

        // no socket follows the room any more: the next one reads its seq
        first.close();
        second.close();
        assertEquals(2, rest.history(room, bob).size(), "two messages so far");
        ChatClient third = track(SocketWaits.multiplexed(api, alice, ""));
        assertSubscribedAt(third, room, 2);
        rest.direct(bob, alice, "three");
        List<JsonObject> frames = withoutNoise(until(third, message(room, "three"), "the third direct message"));
        assertEquals(List.of("message"), types(frames), "only the new message, no replay: " + frames);
        assertEquals(3, number(frames.get(0), "seq"), frames::toString);
    }

    static void assertSubscribedAt(ChatClient client, long room, long lastSeq) {
        List<JsonObject> frames = withoutNoise(client.fence());
        assertEquals(List.of("subscribed"), types(frames), client + ": " + frames);
        assertEquals(room, number(frames.get(0), "room_id"), frames::toString);
        assertEquals(lastSeq, number(frames.get(0), "last_seq"), frames::toString);
    }

    @Test
    void aPlainSocketHearsMembershipChangesButOnlyTheMessagesOfDirectRooms() {
        List<User> users = RestCalls.register(api, "alice", "carol");
        User alice = users.get(0);
        User carol = users.get(1);
        long open = rest.publicRoom(alice);
        long closed = rest.privateRoom(alice);
        ChatClient c = track(SocketWaits.multiplexed(api, carol, ""));
        assertEquals(List.of(), c.fence());

        rest.join(carol, open);
        assertEquals(List.of("room_added"), types(withoutNoise(until(c, roomAdded(open), "room_added on join"))));
        assertEquals(201, rest.addMember(alice, closed, carol.name()).status());
        assertEquals(List.of("room_added"), types(withoutNoise(until(c, roomAdded(closed), "room_added when added"))));

        // messages of ordinary rooms need a subscription; a direct message is the fence
        rest.post(alice, open, "not for a plain socket");
        rest.post(alice, closed, "nor this");
        JsonObject direct = rest.direct(alice, carol, "but this is");
        List<JsonObject> frames =
                withoutNoise(until(c, message(number(direct, "room_id"), "but this is"), "the direct message"));
        assertEquals(1, frames.stream().filter(ofType("message")).count(), "only the direct message: " + frames);
        c.fence().forEach(f -> assertFalse("message".equals(ChatClient.type(f)), "no other message: " + f));
        c.assertNothing(QUIET, "presence", "typing", "read", "room_added", "subscribed");

        rest.leave(carol, open);
        JsonObject removed = SocketWaits.awaitFrame(c, ofType("room_removed"), "room_removed on leave");
        assertEquals(open, number(removed, "room_id"), removed::toString);
        assertEquals(List.of(), withoutNoise(c.fence()));
    }

    @Test
    void anAllSocketFollowsRoomsJoinedLaterAndStopsAfterLeavingOne() {
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);
        long old = rest.publicRoom(alice, bob);
        long later = rest.publicRoom(alice);
        rest.post(alice, later, "before bob came");

        ChatClient b = track(SocketWaits.multiplexed(api, bob, "?all=true"));
        JsonObject subscribed = b.next("subscribed", WAIT, "presence", "read");
        assertEquals(old, number(subscribed, "room_id"), "all=true follows the rooms bob is in: " + subscribed);
        SocketWaits.settle(b);

        rest.join(bob, later);
        JsonObject welcome = rest.post(alice, later, "welcome, bob");
        List<JsonObject> frames =
                withoutNoise(until(b, message(later, "welcome, bob"), "the message of the newly joined room"));
        assertEquals(List.of("room_added", "subscribed", "message"), types(frames), frames::toString);
        assertTrue(roomAdded(later).test(frames.get(0)), frames::toString);
        assertEquals(later, number(frames.get(1), "room_id"), frames::toString);
        assertTrue(number(frames.get(1), "last_seq") >= 1, frames::toString);
        assertSameMessage(welcome, frames.get(2));

        // the old room still flows
        JsonObject inOld = rest.post(alice, old, "still here");
        assertSameMessage(inOld, b.next("message", WAIT, "presence", "read", "typing"));

        rest.leave(bob, later);
        JsonObject removed = b.next("room_removed", WAIT, "presence", "read", "typing");
        assertEquals(later, number(removed, "room_id"), removed::toString);
        rest.post(alice, later, "bob has gone");
        JsonObject fence = rest.post(alice, old, "fence");
        assertSameMessage(fence, b.next("message", WAIT, "presence", "read", "typing"));
        assertEquals(List.of(), withoutNoise(b.fence()), "nothing from the room bob left");
        b.assertNothing(QUIET, "presence", "read", "typing");
    }

    @Test
    void subscribingToAllByFrameFollowsARoomAnOwnerAddsYouTo() {
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);
        long secret = rest.privateRoom(alice);

        ChatClient b = track(SocketWaits.multiplexed(api, bob, ""));
        b.send(frame("type", "subscribe", "room_id", "all"));
        // bob is in no room yet: whatever the server answers, no error
        SocketWaits.settle(b, "presence", "read", "typing", "subscribed");

        assertEquals(201, rest.addMember(alice, secret, bob.name()).status());
        JsonObject hello = rest.post(alice, secret, "welcome to the secret room");
        List<JsonObject> frames = withoutNoise(until(b, message(secret, "welcome to the secret room"), "the message"));
        assertEquals(List.of("room_added", "subscribed", "message"), types(frames), frames::toString);
        assertTrue(roomAdded(secret).test(frames.get(0)), frames::toString);
        assertEquals(secret, number(frames.get(1), "room_id"), frames::toString);
        assertSameMessage(hello, frames.get(2));

        // a new direct room is followed as well
        JsonObject direct = rest.direct(alice, bob, "psst");
        List<JsonObject> directFrames =
                withoutNoise(until(b, message(number(direct, "room_id"), "psst"), "the direct message"));
        assertSameMessage(direct, directFrames.get(directFrames.size() - 1));
    }

    // ---- helpers

    ChatClient track(ChatClient client) {
        opened.add(client);
        return client;
    }

    static Map<Long, JsonObject> byRoom(List<JsonObject> directs) {
        return directs.stream().collect(Collectors.toMap(d -> number(d, "room_id"), Function.identity()));
    }

    static void assertDirect(JsonObject entry, long room, User other, String displayName, long lastSeq, long unread) {
        assertEquals(room, number(entry, "room_id"), entry::toString);
        JsonObject user = entry.getJsonObject("user");
        assertEquals(other.id(), number(user, "id"), entry::toString);
        assertEquals(other.name(), user.getString("username"), entry::toString);
        assertEquals(displayName, user.getString("display_name"), entry::toString);
        assertEquals(lastSeq, number(entry, "last_seq"), entry::toString);
        assertEquals(unread, number(entry, "unread"), entry::toString);
    }
}
