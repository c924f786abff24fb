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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Floods that other people pay for, against a server with the shipped room, subscription, frame
 * and request limits (the Arquillian servers raise them: the suite's users act faster than people). Every
 * public room was listed to every user, so one account's rooms decided the size of everyone's GET
 * /rooms, and past 65,535 public rooms broke it on PostgreSQL: 500 for every user (one IN list of
 * every listed room, over the driver's limit on parameters). A direct message opened a room with
 * its addressee even when the message was refused. Each subscribe frame could announce its user to
 * the whole room, and so could each socket opened and closed, each step of a read marker, and each
 * delete.
 */
@ExtendWith(TestDatabase.class)
class RoomFloodIT {

    /** The shipped parley.ratelimit.rooms.capacity. */
    static final int BURST = 30;

    static final int LISTED = 5;

    /** The shipped parley.ratelimit.subscriptions.capacity. */
    static final int SUBSCRIPTIONS = 1000;

    /** The shipped parley.ratelimit.reads.*. */
    static final int READS = 100;

    static final int READS_PER_SECOND = 10;

    /** The shipped parley.ratelimit.presence.*. */
    static final int PRESENCE = 500;

    static final int PRESENCE_PER_SECOND = 5;

    /** Not the shipped parley.ratelimit.messages.*: the read test's talker sends 150 at once. */
    static final int MESSAGES = 200;

    static final int MESSAGES_PER_SECOND = 20;

    /** The shipped parley.ratelimit.frames.*: one socket's own allowance, whatever the frames ask. */
    static final int FRAMES = 2000;

    static final int FRAMES_PER_SECOND = 100;

    /** The shipped parley.ratelimit.requests.*: a user's REST requests, whatever they ask. */
    static final int REQUESTS = 600;

    static final int REQUESTS_PER_SECOND = 50;

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
                        "-Dparley.ratelimit.reads.capacity=" + READS,
                        "-Dparley.ratelimit.reads.per-second=" + READS_PER_SECOND,
                        "-Dparley.ratelimit.presence.capacity=" + PRESENCE,
                        "-Dparley.ratelimit.presence.per-second=" + PRESENCE_PER_SECOND,
                        "-Dparley.ratelimit.messages.capacity=" + MESSAGES,
                        "-Dparley.ratelimit.messages.per-second=" + MESSAGES_PER_SECOND,
                        "-Dparley.ratelimit.frames.capacity=" + FRAMES,
                        "-Dparley.ratelimit.frames.per-second=" + FRAMES_PER_SECOND,
                        "-Dparley.ratelimit.requests.capacity=" + REQUESTS,
                        "-Dparley.ratelimit.requests.per-second=" + REQUESTS_PER_SECOND,
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
        ChatClient listener = watching(listenerUser, room);
        ChatClient looper =
                ChatClient.to(api, "/ws/chat").bearer(looperUser.token()).open();
        try {
            looper.next("connected");

            int sent = 0;
            while (sent < 2 * SUBSCRIPTIONS
                    && looper.trySend(ChatClient.frame("type", "subscribe", "room_id", room, "ref", "s-" + sent))) {
                sent++;
            }
            // besides the answers, the room's comings and goings
            int subscribed = answeredBeforeTheClose(looper, "subscribed", "presence", "room_added");
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

    /**
     * Waits until a flooding socket is closed for its rate (4029, or 1006 when the close frame is
     * lost behind the unread flood, LimitsIT) and checks what it got first: at least 30
     * {@code rate_limited} errors, and no frame but those, {@code answer}s and {@code others}.
     * Returns how many {@code answer}s.
     */
    static int answeredBeforeTheClose(ChatClient flooder, String answer, String... others) {
        int code = flooder.awaitClose(Duration.ofSeconds(30));
        assertTrue(code == 4029 || code == 1006, "the flooding socket is closed for its rate: " + code);
        int answered = 0;
        int refused = 0;
        for (JsonObject frame : flooder.drain()) {
            String type = ChatClient.type(frame);
            if (type.equals(answer)) {
                answered++;
            } else if (type.equals("error")) {
                Frames.assertError(frame, "rate_limited", null);
                refused++;
            } else if (!List.of(others).contains(type)) {
                throw new AssertionError("the flooder: unexpected frame " + frame);
            }
        }
        assertTrue(refused >= 30, "30 refusals came before the close: " + refused);
        return answered;
    }

    /** A socket of {@code user} on {@code room}, past its connected and subscribed frames. */
    static ChatClient watching(User user, long room) {
        ChatClient client =
                ChatClient.to(api, "/ws/chat/" + room).bearer(user.token()).open();
        try {
            client.next("connected");
            Subscribed.read(client, room);
            return client;
        } catch (RuntimeException | AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** The presence event of this frame about {@code user}, or null for any other frame. */
    static String presenceOf(JsonObject frame, User user) {
        return "presence".equals(ChatClient.type(frame)) && user.name().equals(frame.getString("user", null))
                ? frame.getString("event")
                : null;
    }

    /**
     * A read marker stepped forward one seq at a time through a long history was a frame for every
     * member per step. The steps past the allowance are refused, and the room hears only the
     * steps that moved the marker.
     */
    @Test
    void aReadMarkerSteppedThroughTheHistoryIsRateLimited() {
        List<User> users = RestCalls.register(api, "talker", "stepper");
        User talker = users.get(0);
        User stepper = users.get(1);
        long room = rest.publicRoom(talker, stepper);
        int history = READS + READS / 2;
        for (int n = 1; n <= history; n++) {
            rest.post(talker, room, "line " + n);
        }
        ChatClient listener = watching(talker, room);
        try {
            List<Long> moved = new ArrayList<>();
            for (long seq = 1; seq <= history; seq++) {
                Api.Reply reply = rest.read(stepper, room, seq);
                if (reply.status() == 204) {
                    moved.add(seq);
                } else {
                    Posting.assertRateLimited(reply);
                }
            }
            assertTrue(moved.size() >= READS, "the allowance got through first: " + moved.size());
            assertTrue(moved.size() < history, "some of " + history + " steps were refused: " + moved.size());
            assertEquals(moved.get(moved.size() - 1), rest.markers(room, talker).get(stepper.name()));

            assertEquals(
                    moved,
                    heardUpTo(
                            listener,
                            "read",
                            moved.get(moved.size() - 1),
                            f -> stepper.name().equals(f.getString("user"))));
        } finally {
            listener.close();
        }
    }

    /**
     * The seqs of the {@code type} frames matching {@code whose} that {@code listener} hears until
     * the one with seq {@code last} and nothing more is on its way.
     */
    static List<Long> heardUpTo(ChatClient listener, String type, long last, Predicate<JsonObject> whose) {
        List<JsonObject> heard = new ArrayList<>();
        await("the " + type + " of seq " + last).atMost(WAIT).until(() -> {
            heard.addAll(listener.drain());
            return heard.stream()
                    .anyMatch(frame -> type.equals(ChatClient.type(frame))
                            && frame.getJsonNumber("seq").longValue() == last);
        });
        heard.addAll(listener.fence());
        return heard.stream()
                .filter(frame -> type.equals(ChatClient.type(frame)))
                .filter(whose)
                .map(frame -> frame.getJsonNumber("seq").longValue())
                .toList();
    }

    /**
     * Reads had no bound: one user paging history or listing rooms as fast as the node answered
     * kept a core busy. A user's REST requests share one allowance per node; past it 429 with
     * Retry-After, and other users are not touched.
     */
    @Test
    void aUsersRequestsPastTheirAllowanceAreRefusedAndNoOneElses() {
        List<User> users = RestCalls.register(api, "reader", "neighbour");
        User reader = users.get(0);
        long room = rest.publicRoom(reader);
        int answered = 0;
        Api.Reply refused = null;
        long started = System.nanoTime();
        for (int n = 0; n < 2 * REQUESTS && refused == null; n++) {
            Api.Reply page = api.get("/rooms/" + room + "/messages?limit=200", reader.token());
            if (page.status() == 200) {
                answered++;
            } else {
                refused = page;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(refused != null, "no 429 in " + 2 * REQUESTS + " requests");
        Posting.assertRateLimited(refused);
        assertTrue(
                answered >= REQUESTS - 1 && answered <= REQUESTS + REQUESTS_PER_SECOND * (seconds + 1),
                answered + " answered in " + seconds + " s");
        Api.Reply neighbours = api.get("/me", users.get(1).token());
        assertEquals(200, neighbours.status(), neighbours::toString);
        assertEquals(users.get(1).name(), neighbours.json().getString("username"));
    }

    /** The seqs of the deleted messages among the room's first {@code count}, read page by page. */
    static List<Long> tombstones(long room, User reader, int count) {
        List<Long> seqs = new ArrayList<>();
        for (int after = 0; after < count; after += 200) {
            Api.Reply page = api.get("/rooms/" + room + "/messages?limit=200&after=" + after, reader.token());
            assertEquals(200, page.status(), page::toString);
            page.json().getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                    .filter(m -> m.getBoolean("deleted", false))
                    .forEach(m -> seqs.add(m.getJsonNumber("seq").longValue()));
        }
        return seqs;
    }

    /**
     * Every frame costs the node its parse and its answer, and frames that ask for nothing
     * limited (pings, junk) were answered without end: one socket could keep a core busy. A
     * socket has its own allowance of frames; past it they are refused, and a socket that keeps
     * going is closed. Another socket of the same user is not touched.
     */
    @Test
    void aSocketPastItsFrameAllowanceIsRefusedThenClosed() {
        User user = RestCalls.register(api, "pinger").get(0);
        long room = rest.publicRoom(user);
        ChatClient other = watching(user, room);
        ChatClient pinger = ChatClient.to(api, "/ws/chat").bearer(user.token()).open();
        try {
            pinger.next("connected");
            int sent = 0;
            long started = System.nanoTime();
            while (sent < 2 * FRAMES && pinger.trySend(ChatClient.frame("type", "ping"))) {
                sent++;
            }
            int pongs = answeredBeforeTheClose(pinger, "pong");
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(
                    pongs >= FRAMES && pongs <= FRAMES + FRAMES_PER_SECOND * (seconds + 1),
                    pongs + " answered of " + sent + " in " + seconds + " s");

            // the same user's other socket keeps its own allowance
            assertTrue(other.fence().stream().noneMatch(frame -> "error".equals(ChatClient.type(frame))));
            assertEquals(false, other.isClosed());
        } finally {
            pinger.close();
            other.close();
        }
    }

    /**
     * A delete is a frame to every member, and deletes spent no allowance: a history stored at the
     * sending pace, or a whole room's by its owner, came back as one burst. Deletes share the
     * message allowance; the room hears only the deletes that were made.
     */
    @Test
    void deletesSpendTheMessageAllowance() {
        List<User> users = RestCalls.register(api, "moderating", "chatty", "chattier", "chattiest");
        User owner = users.get(0);
        long room = rest.publicRoom(owner, users.get(1), users.get(2), users.get(3));
        int history = 3 * MESSAGES / 2;
        for (int n = 1; n <= history; n++) {
            rest.post(users.get(1 + n % 3), room, "line " + n);
        }
        ChatClient listener = watching(users.get(1), room);
        try {
            List<Long> deleted = new ArrayList<>();
            long started = System.nanoTime();
            for (long seq = 1; seq <= history; seq++) {
                Api.Reply reply = rest.deleteMessage(owner, room, seq);
                if (reply.status() == 204) {
                    deleted.add(seq);
                } else {
                    Posting.assertRateLimited(reply);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(deleted.size() >= MESSAGES, "the allowance got through first: " + deleted.size());
            assertTrue(
                    deleted.size() < history && deleted.size() <= MESSAGES + MESSAGES_PER_SECOND * (seconds + 1),
                    deleted.size() + " of " + history + " deletes in " + seconds + " s");
            assertEquals(deleted, tombstones(room, owner, history));

            assertEquals(deleted, heardUpTo(listener, "message_deleted", deleted.get(deleted.size() - 1), f -> true));
        } finally {
            listener.close();
        }
    }

    /**
     * Each socket opened and closed announced its user's arrival and departure: a loop of
     * handshakes by a member of many rooms was a frame for every member of every room per
     * handshake. Past the user's allowance the room hears nothing more until the user settles,
     * and then where they are.
     */
    @Test
    void aSocketOpenedAndClosedInALoopIsAnnouncedWithinItsAllowanceAndThenWhereItSettled() {
        List<User> users = RestCalls.register(api, "watcher", "flapper");
        User watcherUser = users.get(0);
        User flapperUser = users.get(1);
        long room = rest.publicRoom(watcherUser, flapperUser);
        ChatClient watcher = watching(watcherUser, room);
        ChatClient kept = null;
        try {

            int cycles = PRESENCE * 4 / 5;
            long started = System.nanoTime();
            for (int n = 0; n < cycles; n++) {
                ChatClient.to(api, "/ws/chat/" + room)
                        .bearer(flapperUser.token())
                        .open()
                        .close();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            List<String> heard = settledPresence(watcher, flapperUser, "leave");
            int allowed = PRESENCE + (int) Math.ceil(PRESENCE_PER_SECOND * (seconds + 2));
            assertTrue(
                    heard.size() <= allowed && heard.size() < 2 * cycles,
                    heard.size() + " announcements of " + 2 * cycles + " changes in " + seconds + " s");

            // arriving once more is announced, now or when the allowance has room
            kept = ChatClient.to(api, "/ws/chat/" + room)
                    .bearer(flapperUser.token())
                    .open();
            settledPresence(watcher, flapperUser, "join");
            JsonObject presence =
                    api.get("/rooms/" + room + "/presence", watcherUser.token()).json();
            assertEquals(2, presence.getJsonArray("online").size(), presence::toString);
        } finally {
            if (kept != null) {
                kept.close();
            }
            watcher.close();
        }
    }

    /**
     * The presence events about {@code user} that {@code watcher} hears until the last of them is
     * {@code settled} and nothing more is on its way.
     */
    static List<String> settledPresence(ChatClient watcher, User user, String settled) {
        List<String> events = new ArrayList<>();
        await("the room hears " + user.name() + " " + settled).atMost(WAIT).until(() -> {
            for (JsonObject frame : watcher.fence()) {
                String event = presenceOf(frame, user);
                if (event != null) {
                    events.add(event);
                }
            }
            return !events.isEmpty() && settled.equals(events.get(events.size() - 1));
        });
        return events;
    }
}
