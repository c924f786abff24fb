package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.RestCalls.seqs;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.Frames;
import dev.parley.support.ParleyTest;
import dev.parley.support.Posting;
import dev.parley.support.RestCalls;
import dev.parley.support.ResumingReader;
import dev.parley.support.RoomHistory;
import dev.parley.support.SubscribeStyle;
import dev.parley.support.Subscribed;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Nothing lost": a client that reconnects with {@code since} = the last seq it holds gets the
 * missed messages replayed (or, past the replay limit, is told to page them over REST), then the
 * live ones, never a gap and never a duplicate, on every way of following a room. The test
 * servers replay at most {@value ResumingReader#REPLAY_LIMIT} messages. Every test has its own
 * users, so one test's posts do not eat into another's rate limit.
 */
@ParleyTest
class ResumeIT {

    static final int LIMIT = ResumingReader.REPLAY_LIMIT;

    /** The test servers' parley.recovery.max-bytes. */
    static final int REPLAY_BYTES = 200_000;

    private static final System.Logger LOG = System.getLogger(ResumeIT.class.getName());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void api() {
        api = new Api(url);
    }

    @AfterEach
    void closeSockets() {
        for (AutoCloseable socket : opened) {
            try {
                socket.close();
            } catch (Exception ignored) {
                // closing is best effort; the test has its verdict already
            }
        }
    }

    // ---- exact resume

    @Test
    void resumeOnTheRoomPathReplaysExactlyTheMissedMessagesThenLiveOnes() {
        resumesExactly(SubscribeStyle.ROOM_PATH);
    }

    @Test
    void resumeOnTheRoomQueryReplaysExactlyTheMissedMessagesThenLiveOnes() {
        resumesExactly(SubscribeStyle.ROOM_QUERY);
    }

    @Test
    void resumeWithASubscribeFrameReplaysExactlyTheMissedMessagesThenLiveOnes() {
        resumesExactly(SubscribeStyle.SUBSCRIBE_FRAME);
    }

    /** Reads seqs 1..10, goes away while 100 more are posted, comes back with since=10. */
    void resumesExactly(SubscribeStyle style) {
        User alice = Users.create(api, "resume");
        long room = RestCalls.createRoom(api, alice, "{\"name\":\"Resume\"}", List.of());
        ChatClient first = track(style.open(api, alice, room, null));
        Subscribed fresh = Subscribed.read(first, room);
        assertEquals(0, fresh.lastSeq(), fresh::toString);
        assertTrue(fresh.recovered(), fresh::toString);
        assertEquals(0, fresh.replayed(), fresh::toString);

        List<JsonObject> posted = new ArrayList<>(postNumbered(alice, room, 1, 10));
        for (JsonObject sent : posted) {
            // the room's creation is announced after its commit, on a delivery thread: a socket
            // opened right after it may still hear room_added for it
            RestCalls.assertSameMessage(sent, first.next("message", WAIT, "presence", "room_added"));
        }
        first.close();

        posted.addAll(postNumbered(alice, room, 11, 110));
        ChatClient back = track(style.open(api, alice, room, 10L));
        Subscribed resumed = Subscribed.read(back, room);
        assertEquals(110, resumed.lastSeq(), resumed::toString);
        assertTrue(resumed.recovered(), resumed::toString);
        assertEquals(100, resumed.replayed(), resumed::toString);

        List<JsonObject> replay = nextMessages(back, 100);
        assertEquals(seqList(11, 110), seqs(replay), "the replay is exactly seqs 11..110, in order");
        for (int i = 0; i < replay.size(); i++) {
            RestCalls.assertSameMessage(posted.get(10 + i), replay.get(i));
        }

        JsonObject live = Posting.post(api, alice, room, "resume m111", "m111").message();
        JsonObject next = back.next("message", WAIT, "presence");
        assertEquals(111, next.getJsonNumber("seq").longValue(), next::toString);
        RestCalls.assertSameMessage(live, next);
        assertNoMessages(back);
    }

    // ---- a gap over the replay limit

    @Test
    void aGapOverTheLimitOnTheRoomPathIsAnnouncedNotReplayedAndPagedOverRest() {
        announcesAGapOverTheLimit(SubscribeStyle.ROOM_PATH);
    }

    @Test
    void aGapOverTheLimitOnTheRoomQueryIsAnnouncedNotReplayedAndPagedOverRest() {
        announcesAGapOverTheLimit(SubscribeStyle.ROOM_QUERY);
    }

    @Test
    void aGapOverTheLimitWithASubscribeFrameIsAnnouncedNotReplayedAndPagedOverRest() {
        announcesAGapOverTheLimit(SubscribeStyle.SUBSCRIBE_FRAME);
    }

    /** since=10 with 130 missing (over the limit of 120): nothing replayed, the gap pages over REST, live goes on. */
    void announcesAGapOverTheLimit(SubscribeStyle style) {
        User bob = Users.create(api, "gap");
        long room = RestCalls.createRoom(api, bob, "{\"name\":\"Gap\"}", List.of());
        List<JsonObject> posted = postNumbered(bob, room, 1, 140);

        ChatClient back = track(style.open(api, bob, room, 10L));
        Subscribed resumed = Subscribed.read(back, room);
        assertEquals(140, resumed.lastSeq(), resumed::toString);
        assertFalse(resumed.recovered(), "130 missing is over the limit of " + LIMIT + ": " + resumed);
        assertEquals(0, resumed.replayed(), resumed::toString);

        // the client pages (10, 140]; 50 at a time, so has_more carries it across three pages
        List<JsonObject> gap = RoomHistory.between(api, bob, room, 10, 140, 50);
        assertEquals(seqList(11, 140), seqs(gap), "REST pages exactly the gap");
        for (int i = 0; i < gap.size(); i++) {
            RestCalls.assertSameMessage(posted.get(10 + i), gap.get(i));
        }
        var lastPage = api.get("/rooms/" + room + "/messages?after=110&limit=50", bob.token())
                .json();
        assertFalse(lastPage.getBoolean("has_more"), lastPage::toString);

        // the fence: the next message frame is the live one, nothing of seq <= 140 came before it
        JsonObject live = Posting.post(api, bob, room, "resume m141", "m141").message();
        JsonObject next = back.next("message", WAIT, "presence");
        assertEquals(141, next.getJsonNumber("seq").longValue(), "no replay before the live message: " + next);
        RestCalls.assertSameMessage(live, next);
        assertNoMessages(back);
    }

    // ---- nothing missed

    /**
     * The replay queues on the socket's outbox like any frame. A backlog of long messages within
     * the replay's count but over the outbox's bytes closed the socket with 4008 before anything
     * left, at every resume: the client could never come back. Now it is paged, like a long gap.
     */
    @Test
    void aBacklogOfLongMessagesWithinTheCountButOverTheBytesIsPagedNotA4008() {
        User bob = Users.create(api, "long");
        long room = RestCalls.createRoom(api, bob, "{\"name\":\"Long\"}", List.of());
        String longText = "\u00e9".repeat(4000);
        int fits = REPLAY_BYTES / 4_300;
        for (int n = 1; n <= fits; n++) {
            Posting.post(api, bob, room, longText, "long-" + n);
        }
        ChatClient within = track(SubscribeStyle.ROOM_PATH.open(api, bob, room, 0L));
        Subscribed replayed = Subscribed.read(within, room);
        assertTrue(replayed.recovered(), replayed::toString);
        assertEquals(fits, nextMessages(within, fits).size());
        within.close();

        int total = 2 * fits;
        for (int n = fits + 1; n <= total; n++) {
            Posting.post(api, bob, room, longText, "long-" + n);
        }
        for (SubscribeStyle style : SubscribeStyle.values()) {
            ChatClient back = track(style.open(api, bob, room, 0L));
            Subscribed resumed = Subscribed.read(back, room);
            assertFalse(resumed.recovered(), style + ": " + total + " long messages are over the bytes: " + resumed);
            assertEquals(0, resumed.replayed(), resumed::toString);
            assertEquals(total, resumed.lastSeq(), resumed::toString);
            assertEquals(seqList(1, total), seqs(RoomHistory.between(api, bob, room, 0, total, 50)));

            JsonObject live = Posting.post(api, bob, room, "after " + style, "after-" + style)
                    .message();
            RestCalls.assertSameMessage(live, back.next("message", WAIT, "presence"));
            assertTrue(back.closedWith().isEmpty(), "the socket stays open: " + back.closedWith());
            back.close();
            total++;
        }
    }

    @Test
    void aSinceAtOrPastTheLastSeqReplaysNothingAndIsRecovered() {
        User carol = Users.create(api, "caught-up");
        long room = RestCalls.createRoom(api, carol, "{\"name\":\"Caught up\"}", List.of());
        postNumbered(carol, room, 1, 5);
        for (SubscribeStyle style : SubscribeStyle.values()) {
            for (long since : List.of(5L, 50L)) {
                ChatClient client = track(style.open(api, carol, room, since));
                Subscribed subscribed = Subscribed.read(client, room);
                String context = style + " since=" + since + ": " + subscribed;
                assertEquals(5, subscribed.lastSeq(), context);
                assertTrue(subscribed.recovered(), context);
                assertEquals(0, subscribed.replayed(), context);
                assertNoMessages(client);
                client.close();
            }
        }
        ChatClient client = track(SubscribeStyle.ROOM_PATH.open(api, carol, room, 5L));
        Subscribed.read(client, room);
        JsonObject live = Posting.post(api, carol, room, "resume m6", "m6").message();
        RestCalls.assertSameMessage(live, client.next("message", WAIT, "presence"));
        assertNoMessages(client);
    }

    @Test
    void aSubscribeFrameWhoseSinceIsNotASeqIsRefusedAndAGoodOneThenResumes() {
        User dave = Users.create(api, "bad-since");
        long room = RestCalls.createRoom(api, dave, "{\"name\":\"Bad since\"}", List.of());
        List<JsonObject> posted = postNumbered(dave, room, 1, 5);
        ChatClient client =
                track(ChatClient.to(api, "/ws/chat").bearer(dave.token()).open());
        client.next("connected");
        // a client that sends its seq as a string must hear that its resume did not happen, not
        // get a live-only subscription that silently skips what it missed
        for (Object since : List.of("2", -1L, Json.createValue(2.5), true, Json.createValue(1L << 62))) {
            client.send(ChatClient.frame("type", "subscribe", "room_id", room, "since", since, "ref", "s"));
            JsonObject error = client.next("error", WAIT, "room_added");
            assertEquals("invalid", error.getString("code"), error::toString);
            assertTrue(error.getString("message").startsWith("since:"), error::toString);
            assertEquals("s", error.getString("ref"), error::toString);
        }
        assertEquals(
                List.of(),
                client.fence().stream()
                        .filter(frame -> !"room_added".equals(ChatClient.type(frame)))
                        .toList(),
                "none of them subscribed");

        client.send(ChatClient.frame("type", "subscribe", "room_id", room, "since", 2L));
        Subscribed resumed = Subscribed.read(client, room);
        assertEquals(5, resumed.lastSeq(), resumed::toString);
        assertEquals(3, resumed.replayed(), resumed::toString);
        List<JsonObject> replay = nextMessages(client, 3);
        for (int i = 0; i < replay.size(); i++) {
            RestCalls.assertSameMessage(posted.get(2 + i), replay.get(i));
        }
        assertNoMessages(client);
    }

    // ---- the race: resuming while messages keep coming

    @Test
    void resumingTwentyTimesWhileMessagesKeepComingLosesAndRepeatsNothing() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<User> users = RestCalls.register(api, List.of("racer", "poster", "poster", "poster"));
        User reader = users.get(0);
        List<User> posters = users.subList(1, 4);
        long room = RestCalls.createRoom(api, reader, "{\"name\":\"Race\"}", posters);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();

        ResumingReader client = track(new ResumingReader(api, room, reader, "racing reader"));
        assertEquals(0, client.connect(SubscribeStyle.ROOM_PATH).lastSeq());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> sending = pool.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    left(deadline, "the race's sender");
                    Posting.post(api, posters.get(n % posters.size()), room, "race #" + n, "race-" + n);
                    n++;
                }
                return n;
            });
            client.readThrough(1, WAIT);
            SubscribeStyle[] styles = SubscribeStyle.values();
            for (int round = 0; round < 20; round++) {
                client.read(Duration.ofMillis(random.nextInt(150)), 1 + random.nextInt(30));
                assertTrue(client.connected(), "the server closed the reader: " + client.serverCloses());
                if (sending.isDone()) {
                    throw new AssertionError("the sender stopped early after " + sending.get() + " posts");
                }
                client.drop(round % 2 == 0);
                client.connect(styles[round % styles.length]);
            }
            stop.set(true);
            int sent = sending.get(left(deadline, "the race's sender").toMillis(), TimeUnit.MILLISECONDS);
            long fence = Posting.post(api, posters.get(0), room, "the last one", "race-fence")
                    .seq();
            assertEquals(sent + 1, fence, "every post was stored once");
            client.readThrough(fence, Duration.ofSeconds(30));
            client.assertCaughtUp();
            client.assertHolds(1, fence);
            assertSameAsStored(client, RoomHistory.all(api, reader, room));
            LOG.log(
                    System.Logger.Level.INFO,
                    "resume race (seed " + seed + "): " + sent + " messages posted during 20 reconnects; "
                            + client.replayed() + " replayed, " + client.live() + " live, " + client.paged()
                            + " paged, "
                            + client.unrecovered() + " resumes over the limit");
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    // ---- the torture test

    static final int READERS = 20;
    static final int SENDERS = 3;
    static final int EACH = 500;
    static final int TOTAL = SENDERS * EACH;
    static final int MIN_DROPS = 5;
    static final Duration BUDGET = Duration.ofSeconds(240);

    /** What one sender did: how often the rate limit sent it back, how often its socket had to be reopened. */
    record Sent(int sender, int refusals, int reopened) {}

    /**
     * Twenty readers in one room, each dropping its connection at random moments (with a close
     * frame or without) and resuming, sometimes only after staying away past the replay limit;
     * three senders post 500 messages each, one over REST and two over their own sockets, and
     * retry whatever the rate limit refuses with the same client_id. At the end every reader
     * holds seqs 1..1500 exactly once, in order, the same messages REST has stored.
     */
    @Test
    void twentyReadersThatKeepDroppingEachEndWithEveryMessageExactlyOnce() throws Exception {
        long seed = System.nanoTime();
        long started = System.nanoTime();
        long deadline = started + BUDGET.toNanos();
        List<String> prefixes = new ArrayList<>(Collections.nCopies(READERS, "torture"));
        prefixes.addAll(Collections.nCopies(SENDERS, "sender"));
        List<User> users = RestCalls.register(api, prefixes);
        List<User> senders = users.subList(READERS, READERS + SENDERS);
        User owner = senders.get(0);
        long room = RestCalls.createRoom(
                api,
                owner,
                "{\"name\":\"Torture\"}",
                users.stream().filter(u -> u != owner).toList());

        List<ResumingReader> readers = new ArrayList<>();
        Random random = new Random(seed);
        for (int i = 0; i < READERS; i++) {
            ResumingReader reader = track(new ResumingReader(api, room, users.get(i), "reader " + i));
            assertEquals(0, reader.connect(randomStyle(random)).lastSeq());
            readers.add(reader);
        }

        ExecutorService pool = Executors.newFixedThreadPool(READERS + SENDERS);
        AtomicBoolean sendersDone = new AtomicBoolean();
        try {
            List<Future<Sent>> sending = new ArrayList<>();
            sending.add(pool.submit(() -> sendOverRest(senders.get(0), room, 0, deadline)));
            for (int s = 1; s < SENDERS; s++) {
                int sender = s;
                sending.add(pool.submit(() -> sendOverSocket(senders.get(sender), room, sender, deadline)));
            }
            List<Future<Integer>> reading = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                ResumingReader reader = readers.get(i);
                Random own = new Random(seed + i + 1);
                reading.add(pool.submit(() -> keepDropping(reader, own, room, sendersDone, deadline)));
            }

            List<Sent> sent = new ArrayList<>();
            for (Future<Sent> sender : sending) {
                sent.add(outcome(sender, deadline, "a sender"));
            }
            long sendingMillis = (System.nanoTime() - started) / 1_000_000;
            sendersDone.set(true);
            List<Integer> drops = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                drops.add(outcome(reading.get(i), deadline, readers.get(i).label()));
            }
            long millis = (System.nanoTime() - started) / 1_000_000;

            List<JsonObject> stored = RoomHistory.all(api, senders.get(0), room);
            assertStoredOnceEach(stored, senders);
            for (ResumingReader reader : readers) {
                reader.assertHolds(1, TOTAL);
                assertSameAsStored(reader, stored);
            }
            report(readers, drops, sent, sendingMillis, millis, seed);
            assertTrue(
                    readers.stream().mapToInt(ResumingReader::unrecovered).sum() > 0,
                    "some resume went over the replay limit and was paged over REST (else the test did not test that)");
        } finally {
            sendersDone.set(true);
            pool.shutdownNow();
        }
    }

    /** One reader's life: read a while, drop, maybe stay away past the replay limit, resume; until it holds all and dropped enough. */
    int keepDropping(ResumingReader reader, Random random, long room, AtomicBoolean sendersDone, long deadline) {
        int drops = 0;
        while (reader.lastSeq() < TOTAL || drops < MIN_DROPS) {
            left(deadline, reader.toString());
            if (reader.lastSeq() < TOTAL) {
                reader.read(Duration.ofMillis(50 + random.nextInt(1500)), 1 + random.nextInt(200));
            }
            if (!reader.connected()) {
                int code = reader.serverCloses().get(reader.serverCloses().size() - 1);
                assertTrue(
                        code == 1001 || code == 4008,
                        reader + ": the server closed it with " + code
                                + "; only 1001 and 4008 ask a reading client to resume");
            } else {
                // both ways for every reader: a close frame first, then a bare TCP abort, then either
                reader.drop(drops < 2 ? drops == 0 : random.nextBoolean());
                drops++;
                if (random.nextInt(4) == 0) {
                    stayAwayPastTheReplayLimit(reader, room, sendersDone, deadline);
                }
            }
            reader.connect(randomStyle(random));
        }
        reader.assertCaughtUp();
        return drops;
    }

    /**
     * Stays offline until more than the replay limit has been posted since the last seq held, so
     * the resume comes back recovered:false. Best effort: when the senders are done or slow, it
     * gives up after a few seconds and resumes anyway.
     */
    void stayAwayPastTheReplayLimit(ResumingReader reader, long room, AtomicBoolean sendersDone, long deadline) {
        long target = reader.lastSeq() + LIMIT + 10;
        if (target > TOTAL) {
            return;
        }
        Duration patience = Duration.ofSeconds(Math.min(
                8, Math.max(1, left(deadline, reader.toString()).toSeconds() / 4)));
        try {
            await(reader + " staying away")
                    .atMost(patience)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> sendersDone.get() || new RestCalls(api).lastSeq(room, reader.user()) >= target);
        } catch (ConditionTimeoutException slowSenders) {
            // not enough was posted meanwhile: an ordinary resume, then
        }
    }

    Sent sendOverRest(User sender, long room, int index, long deadline) {
        int refusals = 0;
        for (int k = 0; k < EACH; k++) {
            left(deadline, "REST sender " + index);
            refusals += Posting.post(api, sender, room, content(index, k), clientId(index, k))
                    .refusals();
        }
        return new Sent(index, refusals, 0);
    }

    /**
     * Sends over its own socket, one message at a time: waits for the ack; a {@code rate_limited}
     * error is retried with the same client_id after a quarter second of reading; a closed socket
     * is reopened and the pending message sent again (acked as a duplicate if it got through).
     */
    Sent sendOverSocket(User sender, long room, int index, long deadline) {
        ChatClient socket = openSender(sender, room);
        int refusals = 0;
        int reopened = 0;
        try {
            for (int k = 0; k < EACH; k++) {
                String clientId = clientId(index, k);
                boolean resent = false;
                while (true) {
                    left(deadline, "socket sender " + index);
                    if (socket.isClosed()) {
                        socket = openSender(sender, room);
                        reopened++;
                        resent = true;
                    }
                    if (!socket.trySend(Frames.say(room, content(index, k), clientId))) {
                        socket.abort();
                        continue;
                    }
                    JsonObject answer = answerTo(socket, clientId, deadline);
                    if (answer == null) {
                        continue;
                    }
                    if ("ack".equals(ChatClient.type(answer))) {
                        assertEquals(room, answer.getJsonNumber("room_id").longValue(), answer::toString);
                        assertTrue(answer.getJsonNumber("seq").longValue() > 0, answer::toString);
                        assertTrue(
                                resent || !answer.getBoolean("duplicate"),
                                "a first send acked as a duplicate: " + answer);
                        break;
                    }
                    Frames.assertError(answer, "rate_limited", null);
                    refusals++;
                    resent = true;
                    drainFor(socket, Duration.ofMillis(250));
                }
            }
        } finally {
            socket.close();
        }
        return new Sent(index, refusals, reopened);
    }

    ChatClient openSender(User sender, long room) {
        ChatClient socket = SubscribeStyle.ROOM_PATH.open(api, sender, room, null);
        Subscribed.read(socket, room);
        return socket;
    }

    /** The ack for {@code clientId}, or the error frame refusing it; null if the socket closed first. */
    static JsonObject answerTo(ChatClient socket, String clientId, long deadline) {
        while (true) {
            JsonObject frame = socket.tryNext(Duration.ofMillis(200));
            if (frame == null) {
                if (socket.isClosed()) {
                    return null;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(socket + ": no answer to " + clientId + " before the deadline");
                }
                continue;
            }
            switch (ChatClient.type(frame)) {
                case "ack" -> {
                    if (clientId.equals(frame.getString("client_id", null))) {
                        return frame;
                    }
                    throw new AssertionError(
                            socket + ": an ack for another message while waiting for " + clientId + ": " + frame);
                }
                case "error" -> {
                    assertEquals(
                            clientId,
                            frame.getString("ref", clientId),
                            "the error names the refused message: " + frame);
                    return frame;
                }
                case "message", "presence", "typing", "read", "pong" -> {
                    // the room's traffic, which this sender does not check
                }
                default -> throw new AssertionError(socket + ": unexpected frame " + frame);
            }
        }
    }

    /** A backoff that keeps reading: takes (and discards) the room's traffic for {@code time}. */
    static void drainFor(ChatClient socket, Duration time) {
        long until = System.nanoTime() + time.toNanos();
        long left;
        while ((left = until - System.nanoTime()) > 0 && !socket.isClosed()) {
            JsonObject frame = socket.tryNext(Duration.ofNanos(left));
            String type = frame == null ? "" : ChatClient.type(frame);
            if (type.equals("error") || type.equals("ack")) {
                throw new AssertionError(socket + ": an answer while no message was pending: " + frame);
            }
        }
    }

    /** REST has every sent message exactly once: 1..1500, and each sender's client_ids once each. */
    static void assertStoredOnceEach(List<JsonObject> stored, List<User> senders) {
        assertEquals(seqList(1, TOTAL), seqs(stored), "REST has seqs 1.." + TOTAL);
        Set<String> seen = new HashSet<>();
        for (JsonObject m : stored) {
            String clientId = m.getString("client_id");
            assertTrue(seen.add(clientId), "stored twice: " + clientId);
            int sender = Integer.parseInt(clientId.substring(1, clientId.indexOf('-')));
            int k = Integer.parseInt(clientId.substring(clientId.indexOf('-') + 1));
            assertEquals(senders.get(sender).name(), m.getString("sender"), m::toString);
            assertEquals(content(sender, k), m.getString("content"), m::toString);
        }
        Set<String> expected = new HashSet<>();
        IntStream.range(0, SENDERS).forEach(s -> IntStream.range(0, EACH).forEach(k -> expected.add(clientId(s, k))));
        assertEquals(expected, seen, "every message sent was stored");
    }

    void report(
            List<ResumingReader> readers,
            List<Integer> drops,
            List<Sent> sent,
            long sendingMillis,
            long millis,
            long seed) {
        int reconnects = readers.stream().mapToInt(r -> r.connects() - 1).sum();
        LOG.log(
                System.Logger.Level.INFO,
                "torture (seed " + seed + "): " + READERS + " readers, " + TOTAL + " messages from "
                        + SENDERS + " senders in " + sendingMillis + " ms, all readers complete after " + millis
                        + " ms; "
                        + reconnects + " reconnects in all ("
                        + drops.stream().mapToInt(Integer::intValue).sum() + " by the readers); "
                        + readers.stream().mapToInt(ResumingReader::replayed).sum() + " messages replayed, "
                        + readers.stream().mapToInt(ResumingReader::live).sum() + " live, "
                        + readers.stream().mapToInt(ResumingReader::paged).sum() + " paged over REST in "
                        + readers.stream().mapToInt(ResumingReader::unrecovered).sum() + " resumes over the limit");
        for (int i = 0; i < readers.size(); i++) {
            ResumingReader r = readers.get(i);
            LOG.log(
                    System.Logger.Level.INFO,
                    r.label() + ": " + (r.connects() - 1) + " reconnects (" + drops.get(i) + " drops), "
                            + r.replayed() + " replayed, " + r.live() + " live, " + r.paged() + " paged, "
                            + r.unrecovered()
                            + " over the limit, server closes " + r.serverCloses());
        }
        for (Sent s : sent) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "sender " + s.sender() + (s.sender() == 0 ? " (REST)" : " (socket)") + ": " + s.refusals()
                            + " rate-limit refusals retried, " + s.reopened() + " sockets reopened");
        }
    }

    // ---- helpers

    <T extends AutoCloseable> T track(T socket) {
        opened.add(socket);
        return socket;
    }

    /** Posts "resume m{seq}" for seqs from..to (the room must stand at from-1), with client_id "m{seq}". */
    List<JsonObject> postNumbered(User sender, long room, long from, long to) {
        List<JsonObject> posted = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            Posting.Posted p = Posting.post(api, sender, room, "resume m" + seq, "m" + seq);
            assertEquals(seq, p.seq(), p.message()::toString);
            posted.add(p.message());
        }
        return posted;
    }

    /** The next {@code n} message frames; presence frames may come between them, nothing else. */
    static List<JsonObject> nextMessages(ChatClient client, int n) {
        List<JsonObject> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            messages.add(client.next("message", WAIT, "presence"));
        }
        return messages;
    }

    /** A fence: no message frame is on its way. */
    static void assertNoMessages(ChatClient client) {
        for (JsonObject frame : client.fence()) {
            assertEquals("presence", ChatClient.type(frame), "nothing but presence before the fence: " + frame);
        }
    }

    /** The reader holds the very messages REST stored: same id, sender, client_id and content at each seq. */
    static void assertSameAsStored(ResumingReader reader, List<JsonObject> stored) {
        List<JsonObject> held = reader.messages();
        long first = held.isEmpty() ? 1 : held.get(0).getJsonNumber("seq").longValue();
        for (JsonObject m : held) {
            JsonObject reference = stored.get((int) (m.getJsonNumber("seq").longValue() - 1));
            for (String field : List.of("id", "seq", "sender", "client_id", "content")) {
                assertEquals(
                        reference.get(field),
                        m.get(field),
                        reader.label() + ", " + field + " at seq " + reference.get("seq") + " (holding from " + first
                                + ")");
            }
        }
    }

    static SubscribeStyle randomStyle(Random random) {
        SubscribeStyle[] styles = SubscribeStyle.values();
        return styles[random.nextInt(styles.length)];
    }

    static String clientId(int sender, int k) {
        return "s" + sender + "-" + k;
    }

    static String content(int sender, int k) {
        return "torture s" + sender + " #" + k;
    }

    static List<Long> seqList(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** The time left before {@code deadline}; fails once it has passed. */
    static Duration left(long deadline, String who) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError(who + ": out of time");
        }
        return Duration.ofNanos(left);
    }

    static <T> T outcome(Future<T> future, long deadline, String who) throws InterruptedException {
        try {
            return future.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failed) {
                throw failed;
            }
            throw new AssertionError(who + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(who + " did not finish before the test's deadline", e);
        }
    }
}
