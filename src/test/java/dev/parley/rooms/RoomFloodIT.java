package dev.parley.rooms;

import static dev.parley.support.ChatClient.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Frames;
import dev.parley.support.MicroProcess;
import dev.parley.support.Posting;
import dev.parley.support.RestCalls;
import dev.parley.support.Subscribed;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Floods that other people pay for, against a server with the shipped room and subscription
 * limits (the Arquillian servers raise them: the suite's users act faster than people). Every
 * public room was listed to every user, so one account's rooms decided the size of everyone's GET
 * /rooms, and past 65,535 public rooms broke it on PostgreSQL: 500 for every user (one IN list of
 * every listed room, over the driver's limit on parameters). A direct message opened a room with
 * its addressee even when the message was refused. And each subscribe frame could announce its
 * user to the whole room.
 */
@ExtendWith(TestDatabase.class)
class RoomFloodIT {

    /** The shipped parley.ratelimit.rooms.capacity. */
    static final int BURST = 30;

    static final int LISTED = 5;

    /** The shipped parley.ratelimit.subscriptions.capacity. */
    static final int SUBSCRIPTIONS = 1000;

    static MicroProcess server;
    static Api api;
    static RestCalls rest;

    @BeforeAll
    static void start() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "room-flood-data");
        server = MicroProcess.start(
                data,
                build.resolve("room-flood-it.log"),
                List.of(
                        "-Dparley.ratelimit.rooms.capacity=" + BURST,
                        "-Dparley.ratelimit.rooms.per-second=0.5",
                        "-Dparley.ratelimit.subscriptions.capacity=" + SUBSCRIPTIONS,
                        "-Dparley.ratelimit.subscriptions.per-second=20",
                        "-Dparley.rooms.max-listed=" + LISTED));
        api = server.api();
        rest = new RestCalls(api);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRoomFloodIsRateLimitedAndDoesNotFillOtherUsersLists() {
        List<User> users = RestCalls.register(api, "owner", "flooder", "reader");
        User owner = users.get(0);
        User flooder = users.get(1);
        User reader = users.get(2);
        long ownersRoom = rest.publicRoom(owner);

        List<Long> made = roomsUntilRefused(flooder);
        // joining is a room change too, and spends the same allowance; sending does not
        Posting.assertRateLimited(api.put("/rooms/" + ownersRoom + "/members/me", flooder.token()));
        Api.Reply talking = Posting.attempt(api, flooder, made.get(0), "still talking", "t-1");
        assertEquals(201, talking.status(), talking::toString);

        // a user in none of them sees only the newest public rooms, oldest first
        List<JsonObject> readers = rest.rooms(reader);
        assertEquals(made.subList(made.size() - LISTED, made.size()), ids(readers), readers::toString);
        assertTrue(readers.stream().noneMatch(r -> r.getBoolean("member")), readers::toString);

        // the flooder's own rooms are all listed, past the bound; of the others, the newest
        List<JsonObject> flooders = rest.rooms(flooder);
        List<JsonObject> others =
                flooders.stream().filter(r -> !r.getBoolean("member")).toList();
        assertEquals(
                made, ids(flooders.stream().filter(r -> r.getBoolean("member")).toList()));
        assertTrue(others.size() <= LISTED, others::toString);
        assertEquals(ownersRoom, ids(others).get(others.size() - 1), others::toString);
    }

    /** Makes public rooms as fast as it can until the limit refuses one; the ids of those made. */
    static List<Long> roomsUntilRefused(User user) {
        List<Long> made = new ArrayList<>();
        for (int n = 0; n < 3 * BURST; n++) {
            Api.Reply reply = api.post("/rooms", "{\"name\":\"flood " + n + "\"}", user.token());
            if (reply.status() != 201) {
                Posting.assertRateLimited(reply);
                assertTrue(made.size() >= BURST, "the burst of " + BURST + " got through first: " + made.size());
                return made;
            }
            made.add(reply.json().getJsonNumber("id").longValue());
        }
        throw new AssertionError("no 429 within " + 3 * BURST + " rooms");
    }

    static List<Long> ids(List<JsonObject> rooms) {
        return rooms.stream().map(r -> r.getJsonNumber("id").longValue()).toList();
    }

    @Test
    void aDirectRoomIsARoomChangeOfItsFirstWriter() {
        List<User> users = RestCalls.register(api, "opener", "stranger");
        User opener = users.get(0);
        User stranger = users.get(1);
        roomsUntilRefused(opener);

        // the message is within its own limit, but the room it would open is not
        Api.Reply direct = rest.direct(opener, stranger.name(), "hello");
        Posting.assertRateLimited(direct);
        assertEquals(List.of(), rest.directs(stranger), "no room was opened with the stranger");
        assertEquals(List.of(), rest.directs(opener));
    }

    /**
     * Subscribing again and again, or on and off, announced the user to the room each time: one
     * socket's loop became a frame for every member per frame it sent.
     */
    @Test
    void aSubscriptionLoopIsRefusedAndTheRoomHearsTheUserArriveOnce() {
        List<User> users = RestCalls.register(api, "listener", "looper");
        User listenerUser = users.get(0);
        User looperUser = users.get(1);
        long room = rest.publicRoom(listenerUser, looperUser);
        ChatClient listener = ChatClient.to(api, "/ws/chat/" + room)
                .bearer(listenerUser.token())
                .open();
        ChatClient looper =
                ChatClient.to(api, "/ws/chat").bearer(looperUser.token()).open();
        try {
            listener.next("connected");
            Subscribed.read(listener, room);
            looper.next("connected");

            int sent = 0;
            while (sent < 2 * SUBSCRIPTIONS
                    && looper.trySend(ChatClient.frame("type", "subscribe", "room_id", room, "ref", "s-" + sent))) {
                sent++;
            }
            int code = looper.awaitClose(Duration.ofSeconds(30));
            // 4029, or 1006 when the close frame is lost behind the unread flood (LimitsIT)
            assertTrue(code == 4029 || code == 1006, "the looping socket is closed for its rate: " + code);
            int subscribed = 0;
            int refused = 0;
            for (JsonObject frame : looper.drain()) {
                switch (ChatClient.type(frame)) {
                    case "subscribed" -> subscribed++;
                    case "error" -> {
                        Frames.assertError(frame, "rate_limited", null);
                        refused++;
                    }
                    case "presence", "room_added" -> {
                        // the room's comings and goings
                    }
                    default -> throw new AssertionError("the looper: unexpected frame " + frame);
                }
            }
            assertTrue(refused >= 30, "30 refusals in a row came before the close: " + refused);
            assertTrue(subscribed >= 1 && subscribed < sent, subscribed + " of " + sent + " subscribed");

            // the listener heard the looper arrive once, and leave once when it was closed
            List<JsonObject> heard = new ArrayList<>();
            await("the looper's leave").atMost(WAIT).until(() -> {
                JsonObject frame = listener.tryNext(Duration.ofMillis(200));
                if (frame != null) {
                    heard.add(frame);
                }
                return frame != null && "leave".equals(presenceOf(frame, looperUser));
            });
            heard.addAll(listener.fence());
            assertEquals(
                    List.of("join", "leave"),
                    heard.stream()
                            .map(frame -> presenceOf(frame, looperUser))
                            .filter(Objects::nonNull)
                            .toList(),
                    heard::toString);
        } finally {
            looper.close();
            listener.close();
        }
    }

    /** The presence event of this frame about {@code user}, or null for any other frame. */
    static String presenceOf(JsonObject frame, User user) {
        return "presence".equals(ChatClient.type(frame)) && user.name().equals(frame.getString("user", null))
                ? frame.getString("event")
                : null;
    }
}
