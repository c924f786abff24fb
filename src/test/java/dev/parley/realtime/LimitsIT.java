package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.Frames;
import dev.parley.support.Metrics;
import dev.parley.support.ParleyTest;
import dev.parley.support.Posting;
import dev.parley.support.RestCalls;
import dev.parley.support.ResumingReader;
import dev.parley.support.RoomHistory;
import dev.parley.support.SubscribeStyle;
import dev.parley.support.Subscribed;
import dev.parley.support.TestKeys;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limits that keep one client from hurting the others: a slow reader is cut off (4008), a
 * flooding user is refused (rate_limited, then 4029; REST 429 with Retry-After), a user's
 * connections are capped, an expired token ends its socket (4001) unless renewed, and no
 * connection outlives its socket in the registry. The test server: message bucket 300, refilled
 * at 20 per second; outbound queues of 2,000 frames or 4 MiB; -Xmx768m. Every test has its own
 * users, so one test's sends do not eat into another's limits.
 */
@ParleyTest
class LimitsIT {

    static final int BUCKET = 300;
    static final int REFILL_PER_SECOND = 20;
    static final int CONNECTIONS_PER_USER = 20;
    /** Used heap after the slow-consumer run: under this, the dropped queue was let go (the server has -Xmx768m). */
    static final long HEAP_BOUND = 700L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(LimitsIT.class.getName());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    final List<ChatClient> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void api() {
        api = new Api(url);
    }

    @AfterEach
    void closeSockets() {
        List<ChatClient> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
        }
        all.forEach(ChatClient::close);
    }

    // ---- slow consumers

    static final int BULK_POSTERS = 16;
    static final int MAX_POSTS = 4000;
    static final int BULK_CHARS = 4000;

    /**
     * A reader that stays alive (it sends a ping frame every half second, so the 8-second idle
     * timeout does not apply) but stops reading: 4,000-character messages pile up in its queue
     * until the server closes it with 4008. A normal reader in the same room gets every message,
     * in order, and stays. The slow one resumes afterwards and misses nothing.
     */
    @Test
    void aSlowConsumerIsClosedWith4008WhileTheOthersGetEveryMessage() throws Exception {
        List<String> prefixes = new ArrayList<>(List.of("normal", "slow"));
        prefixes.addAll(Collections.nCopies(BULK_POSTERS, "bulk"));
        List<User> users = RestCalls.register(api, prefixes);
        User normalUser = users.get(0);
        User slowUser = users.get(1);
        List<User> posters = users.subList(2, users.size());
        long room = RestCalls.createRoom(api, normalUser, "{\"name\":\"Slow\"}", users.subList(1, users.size()));

        long slowClosesBefore = Metrics.of(api).slowCloses();
        ChatClient normal = openOn(SubscribeStyle.ROOM_PATH, normalUser, room);
        ChatClient slow = openOn(SubscribeStyle.ROOM_PATH, slowUser, room);
        settle(normal);
        settle(slow);
        slow.stopRequesting();
        ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
        keepAlive.scheduleAtFixedRate(() -> slow.trySend(frame("type", "ping")), 0, 500, TimeUnit.MILLISECONDS);

        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(180).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger tickets = new AtomicInteger();
        Map<Long, String> clientIdBySeq = new ConcurrentHashMap<>();
        AtomicLong lastPosted = new AtomicLong(Long.MAX_VALUE);
        try {
            Future<List<String>> reading = pool.submit(() -> readEveryBulkMessage(normal, lastPosted, deadline));
            List<Future<?>> posting = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                posting.add(pool.submit(() -> {
                    for (int k = tickets.getAndIncrement();
                            k < MAX_POSTS && !stop.get();
                            k = tickets.getAndIncrement()) {
                        ResumeIT.left(deadline, "bulk posting");
                        // each poster posts every 16th message: at most 250, under its bucket of 300
                        Posting.Posted p = Posting.post(api, posters.get(k % BULK_POSTERS), room, bulk(k), "bulk-" + k);
                        clientIdBySeq.put(p.seq(), "bulk-" + k);
                    }
                    return null;
                }));
            }
            // the slow socket leaving the room's presence is the sign it was cut off: no need to post on
            await("the slow socket cut off, or " + MAX_POSTS + " posts made")
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> posting.stream().allMatch(Future::isDone)
                            || !online(room, normalUser).contains(slowUser.name()));
            stop.set(true);
            for (Future<?> poster : posting) {
                ResumeIT.outcome(poster, deadline, "a bulk poster");
            }
            long posted = new RestCalls(api).lastSeq(room, normalUser);
            assertEquals(posted, clientIdBySeq.size(), "every post got its own seq");
            lastPosted.set(posted);
            List<String> normalGot = ResumeIT.outcome(reading, deadline, "the normal reader");
            assertEquals(posted, normalGot.size(), "the normal reader got every message");
            for (int i = 0; i < normalGot.size(); i++) {
                assertEquals(clientIdBySeq.get(i + 1L), normalGot.get(i), "the normal reader at seq " + (i + 1));
            }
            assertFalse(normal.isClosed(), "the normal reader is still connected");
            settle(normal);

            keepAlive.shutdownNow();
            slow.resumeRequesting();
            await("the slow socket's close frame, behind what was already on its way")
                    .atMost(Duration.ofSeconds(60))
                    .until(slow::isClosed);
            ChatClient.Closure closed = slow.closedWith().orElseThrow();
            // the 4008 close frame queues behind data the client never read; when the container
            // drops the stuck connection instead, the client sees 1006: either way it must resume,
            // and the server's own count says it was cut off as too slow
            assertTrue(
                    closed.code() == 4008 || closed.code() == 1006,
                    "the slow socket is closed as too slow: " + closed.code() + " " + closed.reason() + " after "
                            + posted + " posts");
            assertTrue(Metrics.of(api).slowCloses() >= slowClosesBefore + 1, "the server counted a too-slow close");
            long slowHeld = assertPrefix(slow.drain(), clientIdBySeq, "the slow reader");
            assertTrue(slowHeld < posted, "the slow reader cannot have had all " + posted + ": it held " + slowHeld);
            await("the slow connection gone from presence")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !online(room, normalUser).contains(slowUser.name()));
            LOG.log(
                    System.Logger.Level.INFO,
                    "slow consumer: closed with " + closed.code() + " after " + posted + " posts of " + BULK_CHARS
                            + " chars in " + (System.nanoTime() - started) / 1_000_000 + " ms; it had received "
                            + slowHeld
                            + ", the normal reader all " + posted);

            // nothing lost for the slow one either: it resumes where it was cut off
            try (ResumingReader resumed =
                    new ResumingReader(api, room, slowUser, "the slow reader, resuming").startingAfter(slowHeld)) {
                resumed.connect(SubscribeStyle.ROOM_PATH);
                resumed.readThrough(posted, Duration.ofSeconds(60));
                resumed.assertCaughtUp();
                resumed.assertHolds(slowHeld + 1, posted);
                for (JsonObject m : resumed.messages()) {
                    assertEquals(
                            clientIdBySeq.get(m.getJsonNumber("seq").longValue()),
                            m.getString("client_id"),
                            m::toString);
                }
            }

            Metrics metrics = Metrics.of(api);
            AtomicLong heap = new AtomicLong();
            await("used heap under " + HEAP_BOUND / (1024 * 1024) + " MB")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        heap.set(metrics.usedHeapBytes());
                        assertTrue(heap.get() < HEAP_BOUND, "used heap " + heap.get() / (1024 * 1024) + " MB");
                    });
            LOG.log(
                    System.Logger.Level.INFO,
                    "used heap after the slow consumer: " + heap.get() / (1024 * 1024) + " MB (bound "
                            + HEAP_BOUND / (1024 * 1024) + " MB, -Xmx768m)");
        } finally {
            stop.set(true);
            keepAlive.shutdownNow();
            pool.shutdownNow();
        }
    }

    /**
     * The normal reader: takes every bulk message as it comes, each the next seq, until the last
     * one posted. Returns their client_ids in seq order.
     */
    static List<String> readEveryBulkMessage(ChatClient client, AtomicLong lastPosted, long deadline) {
        List<String> clientIds = new ArrayList<>();
        long last = 0;
        while (last < lastPosted.get()) {
            JsonObject frame = client.tryNext(Duration.ofMillis(200));
            if (frame == null) {
                assertFalse(client.isClosed(), "the normal reader was closed: " + client.closedWith());
                ResumeIT.left(deadline, "the normal reader, at seq " + last);
                continue;
            }
            switch (ChatClient.type(frame)) {
                case "message" -> {
                    long seq = frame.getJsonNumber("seq").longValue();
                    assertEquals(last + 1, seq, "the normal reader: seq " + seq + " after " + last);
                    assertEquals(BULK_CHARS, frame.getString("content").length());
                    String clientId = frame.getString("client_id");
                    assertTrue(
                            frame.getString("content").startsWith("#" + clientId.substring("bulk-".length()) + " "),
                            clientId);
                    clientIds.add(clientId);
                    last = seq;
                }
                case "presence" -> {
                    // the slow user's leave
                }
                default -> throw new AssertionError("the normal reader: unexpected frame " + frame);
            }
        }
        return clientIds;
    }

    /** What a cut-off reader got: seqs 1..k in order, each with its post's client_id. Returns k. */
    static long assertPrefix(List<JsonObject> frames, Map<Long, String> clientIdBySeq, String who) {
        long last = 0;
        for (JsonObject frame : frames) {
            switch (ChatClient.type(frame)) {
                case "message" -> {
                    long seq = frame.getJsonNumber("seq").longValue();
                    assertEquals(last + 1, seq, who + ": seq " + seq + " after " + last);
                    assertEquals(clientIdBySeq.get(seq), frame.getString("client_id"), who + " at seq " + seq);
                    last = seq;
                }
                case "pong", "presence" -> {
                    // answers to its keep-alive pings, and the room's comings and goings
                }
                default -> throw new AssertionError(who + ": unexpected frame " + frame);
            }
        }
        return last;
    }

    static String bulk(int k) {
        String head = "#" + k + " ";
        return head + "x".repeat(BULK_CHARS - head.length());
    }

    // ---- rate limits

    /**
     * One socket sends 1,000 messages at once: the bucket's 300 (and what refills meanwhile) are
     * stored, the rest refused with rate_limited and not stored; after 30 refusals in a row the
     * socket is closed with 4029. Another user in the room gets exactly the stored messages, and
     * then a third user's message: the room goes on.
     */
    @Test
    void aSocketFloodIsRefusedThenClosedWith4029AndTheRoomGoesOn() {
        List<User> users = RestCalls.register(api, List.of("observer", "flooder", "third"));
        User observerUser = users.get(0);
        User flooderUser = users.get(1);
        User third = users.get(2);
        long room = RestCalls.createRoom(api, observerUser, "{\"name\":\"Flood\"}", users.subList(1, 3));
        ChatClient observer = openOn(SubscribeStyle.ROOM_PATH, observerUser, room);
        ChatClient flooder = openOn(SubscribeStyle.ROOM_PATH, flooderUser, room);
        settle(flooder);

        long started = System.nanoTime();
        int sent = 0;
        while (sent < 1000 && flooder.trySend(Frames.say(room, "flood #" + sent, "f-" + sent))) {
            sent++;
        }
        int code = flooder.awaitClose(Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - started) / 1e9;
        // 4029, or 1006 when the close frame is lost: the server closes a connection whose flood it
        // has not read yet, and the kernel answers that unread data with a reset, which can drop
        // the frames still in flight to the client (README, "Known issues")
        assertTrue(code == 4029 || code == 1006, "the flooding socket is closed for its rate: " + code);

        Set<Integer> acked = new HashSet<>();
        Set<Integer> refused = new HashSet<>();
        int errors = 0;
        for (JsonObject frame : flooder.drain()) {
            switch (ChatClient.type(frame)) {
                case "ack" -> assertTrue(acked.add(floodIndex(frame.getString("client_id"))), "acked twice: " + frame);
                case "error" -> {
                    Frames.assertError(frame, "rate_limited", null);
                    errors++;
                    if (frame.containsKey("ref") && !frame.isNull("ref")) {
                        refused.add(floodIndex(frame.getString("ref")));
                    }
                }
                case "message", "presence" -> {
                    // its own messages, and the room's comings and goings
                }
                default -> throw new AssertionError("the flooder: unexpected frame " + frame);
            }
        }
        if (code == 4029) {
            assertTrue(errors >= 30, "30 refusals in a row come before the close: " + errors + " error frames");
        }

        // the close does not wait for the sends the server read before it: their commits (and
        // their acks) follow, so the room's history is read once it stops growing
        AtomicInteger lastCount = new AtomicInteger(-1);
        List<JsonObject> stored = await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(700))
                .until(
                        () -> RoomHistory.all(api, observerUser, room),
                        history -> lastCount.getAndSet(history.size()) == history.size());
        List<Integer> storedIndexes = stored.stream()
                .map(m -> {
                    assertEquals(flooderUser.name(), m.getString("sender"), m::toString);
                    return floodIndex(m.getString("client_id"));
                })
                .toList();
        int n = stored.size();
        assertTrue(n >= BUCKET, "the full bucket of " + BUCKET + " got through: " + n);
        assertEquals(
                IntStream.range(0, BUCKET).boxed().toList(),
                storedIndexes.subList(0, BUCKET),
                "the first " + BUCKET + " frames are the ones stored first");
        assertEquals(
                storedIndexes.stream().sorted().distinct().toList(),
                storedIndexes,
                "stored in the order sent, once each");
        assertTrue(
                n <= BUCKET + REFILL_PER_SECOND * (seconds + 1),
                n + " stored in " + seconds + " s: more than the refill allows");
        assertTrue(n <= sent - 30, n + " stored of " + sent + " sent, yet 30 were refused");
        assertTrue(storedIndexes.containsAll(acked), "every ack is for a stored message");
        for (int index : refused) {
            assertFalse(storedIndexes.contains(index), "f-" + index + " was refused yet stored");
        }

        for (JsonObject m : stored) {
            JsonObject frame = observer.next("message", WAIT, "presence");
            RestCalls.assertSameMessage(m, frame);
        }
        Posting.Posted later = Posting.post(api, third, room, "after the flood", "t-1");
        assertEquals(n + 1, later.seq(), later.message()::toString);
        RestCalls.assertSameMessage(later.message(), observer.next("message", WAIT, "presence"));
        assertFalse(observer.isClosed());
        ResumeIT.assertNoMessages(observer);
        LOG.log(
                System.Logger.Level.INFO,
                "socket flood: " + sent + " frames sent, " + n + " stored, " + errors
                        + " rate_limited errors, closed with " + code + " after " + Math.round(seconds * 1000) + " ms");
    }

    static int floodIndex(String clientId) {
        assertTrue(clientId.startsWith("f-"), clientId);
        return Integer.parseInt(clientId.substring(2));
    }

    /**
     * A user posting over REST in a tight loop (four threads) is answered 429, problem+json with
     * code rate_limited and a Retry-After, within 700 posts; the refused posts stored nothing, and
     * a post made when the Retry-After has passed goes through.
     */
    @Test
    void aRestFloodGets429WithRetryAfterAndHonouringItGetsThrough() throws Exception {
        User looper = Users.create(api, "looper");
        long room = RestCalls.createRoom(api, looper, "{\"name\":\"Loop\"}", List.of());
        AtomicInteger tickets = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        AtomicReference<Api.Reply> refusal = new AtomicReference<>();
        AtomicLong refusedAt = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                loops.add(pool.submit(() -> {
                    for (int n = tickets.getAndIncrement();
                            n < 700 && refusal.get() == null;
                            n = tickets.getAndIncrement()) {
                        Api.Reply reply = Posting.attempt(api, looper, room, "loop #" + n, "l-" + n);
                        if (reply.status() == 201) {
                            created.incrementAndGet();
                        } else if (reply.status() == 429) {
                            if (refusal.compareAndSet(null, reply)) {
                                refusedAt.set(System.nanoTime());
                            }
                        } else {
                            throw new AssertionError("neither stored nor rate-limited: " + reply);
                        }
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (Future<?> loop : loops) {
                ResumeIT.outcome(loop, deadline, "a posting loop");
            }
        } finally {
            pool.shutdownNow();
        }
        assertNotNull(refusal.get(), "no 429 within 700 posts (" + created.get() + " stored)");
        long retryAfter = Posting.assertRateLimited(refusal.get());
        assertTrue(created.get() >= BUCKET, "the bucket of " + BUCKET + " got through first: " + created.get());
        assertEquals(created.get(), RoomHistory.all(api, looper, room).size(), "refused posts stored nothing");

        Instant due =
                Instant.now().plusNanos(refusedAt.get() - System.nanoTime()).plusSeconds(retryAfter);
        await("Retry-After " + retryAfter + " s")
                .atMost(Duration.ofSeconds(retryAfter + 5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !Instant.now().isBefore(due));
        Api.Reply after = Posting.attempt(api, looper, room, "after waiting", "l-after");
        assertEquals(201, after.status(), "a post once Retry-After has passed goes through: " + after);
        LOG.log(
                System.Logger.Level.INFO,
                "REST flood: 429 after " + tickets.get() + " attempts (" + created.get() + " stored), Retry-After "
                        + retryAfter + " s");
    }

    /** 600 typing frames at once: some are relayed, the excess dropped without an error or a close. */
    @Test
    void typingOverItsCapIsDroppedSilently() {
        List<User> users = RestCalls.register(api, List.of("typist", "watcher"));
        User typistUser = users.get(0);
        User watcherUser = users.get(1);
        long room = RestCalls.createRoom(api, typistUser, "{\"name\":\"Typing\"}", List.of(watcherUser));
        ChatClient watcher = openOn(SubscribeStyle.ROOM_PATH, watcherUser, room);
        ChatClient typist = openOn(SubscribeStyle.ROOM_PATH, typistUser, room);
        settle(typist);

        for (int i = 0; i < 600; i++) {
            typist.send(frame("type", "typing", "room_id", room, "is_typing", i % 2 == 0));
        }
        for (JsonObject frame : typist.fence()) {
            assertEquals(
                    "presence", ChatClient.type(frame), "typing frames get no answer, not even over the cap: " + frame);
        }
        typist.send(Frames.say(room, "done typing", "ty-1"));
        var own = typist.nextOfEach(List.of("message", "ack"), WAIT, "presence");
        Frames.assertAck(own.get("ack"), room, own.get("message"), false);

        int relayed = 0;
        List<JsonObject> seen = new ArrayList<>();
        boolean messageSeen = false;
        while (!messageSeen) {
            JsonObject frame = watcher.next(WAIT);
            seen.add(frame);
            switch (ChatClient.type(frame)) {
                case "typing" -> {
                    Frames.assertTyping(frame, room, typistUser, frame.getBoolean("is_typing"));
                    relayed++;
                }
                case "message" -> {
                    Frames.assertMessage(frame, room, 1, typistUser, "done typing", "ty-1");
                    messageSeen = true;
                }
                case "presence" -> {
                    // the typist's join
                }
                default -> throw new AssertionError("the watcher: unexpected frame " + frame);
            }
        }
        for (JsonObject frame : watcher.fence()) {
            relayed += "typing".equals(ChatClient.type(frame)) ? 1 : 0;
        }
        assertTrue(relayed >= 1, "typing is relayed at all");
        assertTrue(relayed < 600, "the typing cap dropped some of 600: " + relayed + " relayed");
        assertFalse(typist.isClosed());
        LOG.log(System.Logger.Level.INFO, "typing flood: " + relayed + " of 600 typing frames relayed");
    }

    // ---- the connection cap

    /** Twenty sockets for one user (on both endpoints) connect; the 21st handshake gets 429; closing one lets one in. */
    @Test
    void theTwentyFirstConnectionOfAUserIsRefusedWith429UntilOneCloses() {
        List<User> users = RestCalls.register(api, List.of("capped", "uncapped"));
        User capped = users.get(0);
        User other = users.get(1);
        long room = RestCalls.createRoom(api, capped, "{\"name\":\"Cap\"}", List.of(other));
        List<ChatClient> sockets = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS_PER_USER; i++) {
            sockets.add(i % 2 == 0 ? openOn(SubscribeStyle.ROOM_PATH, capped, room) : openBare(capped));
        }
        assertEquals(429, ChatClient.to(api, "/ws/chat").bearer(capped.token()).refusal(), "the 21st on /ws/chat");
        assertEquals(
                429,
                ChatClient.to(api, "/ws/chat/" + room).bearer(capped.token()).refusal(),
                "the 21st on the room path");
        openBare(other);

        sockets.get(0).close();
        AtomicReference<ChatClient> admitted = new AtomicReference<>();
        await("a place freed by the close")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    ChatClient.Handshake attempt = ChatClient.to(api, "/ws/chat")
                            .bearer(capped.token())
                            .attempt();
                    if (attempt.client() == null) {
                        assertEquals(429, attempt.status(), attempt::toString);
                        return false;
                    }
                    admitted.set(track(attempt.client()));
                    return true;
                });
        assertEquals(
                capped.name(),
                admitted.get().next("connected").getJsonObject("user").getString("username"));
        assertEquals(429, ChatClient.to(api, "/ws/chat").bearer(capped.token()).refusal(), "back at the cap");
    }

    // ---- token expiry

    /**
     * Three sockets live by tokens that expire in 5 s: one is closed with 4001 at the expiry; one
     * renews its token with an auth frame and lives on past it; one tries another user's token
     * (forbidden) and invalid ones (unauthorized), which change nothing: it is closed at the
     * original expiry too.
     */
    @Test
    void anExpiringTokenClosesItsSocketWith4001UnlessRenewedByTheSameUser() throws Exception {
        List<User> users = RestCalls.register(api, List.of("expiring", "stranger"));
        User user = users.get(0);
        User stranger = users.get(1);
        long room = RestCalls.createRoom(api, user, "{\"name\":\"Expiry\"}", List.of());
        User lapsing = as(user, TestKeys.forgedToken(user, 5));
        User renewing = as(user, TestKeys.forgedToken(user, 5));
        User meddling = as(user, TestKeys.forgedToken(user, 5));

        ChatClient lapses = openOn(SubscribeStyle.ROOM_PATH, lapsing, room);
        ChatClient renews = openBare(renewing);
        ChatClient meddles = openOn(SubscribeStyle.ROOM_QUERY, meddling, room);
        settle(lapses);

        String renewed = TestKeys.forgedToken(user, 600);
        renews.send(auth(renewed));
        JsonObject authenticated = renews.next("authenticated", WAIT, "presence");
        assertEquals(expiry(renewed), Instant.parse(authenticated.getString("expires_at")), authenticated::toString);

        meddles.send(auth(TestKeys.forgedToken(stranger, 600)));
        Frames.assertError(meddles.next("error", WAIT, "presence"), "forbidden", null);
        meddles.send(auth("not.a.token"));
        Frames.assertError(meddles.next("error", WAIT, "presence"), "unauthorized", null);
        meddles.send(auth(TestKeys.forgedToken(user, -60)));
        Frames.assertError(meddles.next("error", WAIT, "presence"), "unauthorized", null);
        settle(meddles);

        assertEquals(4001, lapses.awaitClose(Duration.ofSeconds(20)), "closed at its token's expiry");
        assertFalse(Instant.now().isBefore(expiry(lapsing.token()).minusSeconds(1)), "not closed before the expiry");
        assertEquals(
                4001,
                meddles.awaitClose(Duration.ofSeconds(20)),
                "a refused auth frame does not extend the connection");

        Instant wellPast = expiry(renewing.token()).plusSeconds(3);
        await("3 s past the first token's expiry")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Instant.now().isAfter(wellPast));
        assertFalse(
                renews.isClosed(), "the renewed socket lives past its first token's expiry: " + renews.closedWith());
        settle(renews);
    }

    static User as(User user, String token) {
        return new User(user.name(), token, user.id());
    }

    static JsonObject auth(String token) {
        return frame("type", "auth", "token", token);
    }

    static Instant expiry(String token) {
        return Instant.ofEpochSecond((Long) TestKeys.claims(token).get("exp"));
    }

    // ---- the registry lets go

    static final int LANES = 100;
    static final int ROUNDS = 100;
    static final int CYCLE_USERS = 25;

    /**
     * 10,000 connect/close cycles, 100 at a time, on all three ways of following a room, with
     * clean closes (or, with -Dparley.it.abort-every=N, one in N dropped without a close frame).
     * The gauge counts the 100 of the first round, and afterwards returns to 0.
     */
    static final int ABORT_EVERY = Integer.getInteger("parley.it.abort-every", 0);

    @Test
    void tenThousandConnectsAndClosesLeaveNoConnectionBehind() throws Exception {
        Metrics metrics = Metrics.of(api);
        await("no connection left from the other tests")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertEquals(0, metrics.connections()));
        List<User> users = RestCalls.register(api, Collections.nCopies(CYCLE_USERS, "cycler"));
        // a room per lane, so that presence stays within the lane; a user has four lanes, far from the cap
        long[] rooms = new long[LANES];
        for (int lane = 0; lane < LANES; lane++) {
            rooms[lane] = RestCalls.createRoom(api, users.get(lane % CYCLE_USERS), "{\"name\":\"Cycle\"}", List.of());
        }
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(300).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<ChatClient>> opening = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int l = lane;
                opening.add(pool.submit(() -> connect(users.get(l % CYCLE_USERS), rooms[l], l)));
            }
            List<ChatClient> firstRound = new ArrayList<>();
            for (Future<ChatClient> open : opening) {
                firstRound.add(ResumeIT.outcome(open, deadline, "opening the first round"));
            }
            await("the gauge counting the first round")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertEquals(LANES, metrics.connections()));
            List<Future<?>> closing = new ArrayList<>();
            for (ChatClient client : firstRound) {
                closing.add(pool.submit(client::close));
            }
            for (Future<?> close : closing) {
                ResumeIT.outcome(close, deadline, "closing the first round");
            }

            AtomicInteger cycles = new AtomicInteger(LANES);
            List<Future<?>> lanes = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int l = lane;
                lanes.add(pool.submit(() -> {
                    for (int round = 1; round < ROUNDS; round++) {
                        ResumeIT.left(deadline, "lane " + l + ", round " + round);
                        ChatClient client = connect(users.get(l % CYCLE_USERS), rooms[l], l + round);
                        // clean closes by default; -Dparley.it.abort-every=10 drops every tenth socket
                        // instead, the churn that exposed Payara reusing a closed connection's output
                        // buffer (see the README's known issues)
                        if (ABORT_EVERY > 0 && (l + round) % ABORT_EVERY == 0) {
                            client.abort();
                        } else {
                            client.close();
                        }
                        cycles.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> lane : lanes) {
                ResumeIT.outcome(lane, deadline, "a connect/close lane");
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(LANES * ROUNDS, cycles.get());
            AtomicLong gauge = new AtomicLong(-1);
            await("parley.connections back to 0")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        gauge.set(metrics.connections());
                        assertEquals(0, gauge.get());
                    });
            LOG.log(
                    System.Logger.Level.INFO,
                    cycles.get() + " connect/close cycles (" + LANES + " at a time) in " + millis
                            + " ms; parley.connections back to 0 after "
                            + ((System.nanoTime() - started) / 1_000_000 - millis) + " ms");
        } finally {
            pool.shutdownNow();
        }
    }

    /** One cycle's connection, in one of the three styles, past its connected and subscribed frames. */
    ChatClient connect(User user, long room, int turn) {
        SubscribeStyle style = SubscribeStyle.values()[turn % SubscribeStyle.values().length];
        ChatClient client = style.open(api, user, room, null);
        Subscribed subscribed = Subscribed.read(client, room);
        assertEquals(0, subscribed.lastSeq(), subscribed::toString);
        return client;
    }

    // ---- helpers

    ChatClient track(ChatClient client) {
        opened.add(client);
        return client;
    }

    /** A socket following {@code room}, past its connected and subscribed frames. */
    ChatClient openOn(SubscribeStyle style, User user, long room) {
        ChatClient client = track(style.open(api, user, room, null));
        Subscribed subscribed = Subscribed.read(client, room);
        assertTrue(subscribed.recovered(), subscribed::toString);
        return client;
    }

    /** A socket on /ws/chat that follows no room, past its connected frame. */
    ChatClient openBare(User user) {
        ChatClient client =
                track(ChatClient.to(api, "/ws/chat").bearer(user.token()).open());
        assertEquals(user.name(), client.next("connected").getJsonObject("user").getString("username"));
        return client;
    }

    /** A fence: the socket answers a ping, and nothing but presence came before the pong. */
    static void settle(ChatClient client) {
        for (JsonObject frame : client.fence()) {
            assertEquals("presence", ChatClient.type(frame), client + ": unexpected frame " + frame);
        }
    }

    Set<String> online(long room, User asker) {
        Api.Reply presence = api.get("/rooms/" + room + "/presence", asker.token());
        assertEquals(200, presence.status(), presence::toString);
        return Frames.online(presence.json().getJsonArray("online")).keySet();
    }
}
