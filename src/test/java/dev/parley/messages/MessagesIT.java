package dev.parley.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.Users;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The send path and history, driven over HTTP. */
@ParleyTest
class MessagesIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    Users.User alice;
    long room;

    @BeforeEach
    void room() {
        api = new Api(url);
        alice = Users.create(api, "alice");
        room = api.post("/rooms", "{\"name\":\"Messages\"}", alice.token())
                .json()
                .getJsonNumber("id")
                .longValue();
    }

    @Test
    void aPostedMessageCarriesEveryField() {
        var posted = post("{\"content\":\"hello there\",\"client_id\":\"c-1\"}");
        assertEquals(201, posted.status(), posted::toString);
        JsonObject m = posted.json();
        assertEquals(room, m.getJsonNumber("room_id").longValue());
        assertEquals(1, m.getInt("seq"));
        assertEquals(alice.id(), m.getJsonNumber("sender_id").longValue());
        assertEquals(alice.name(), m.getString("sender"));
        assertEquals(alice.name(), m.getString("sender_name"), "the display name falls back to the username");
        assertEquals("hello there", m.getString("content"));
        assertEquals("text", m.getString("message_type"));
        assertEquals("c-1", m.getString("client_id"));
        Instant at = Instant.parse(m.getString("timestamp"));
        assertTrue(
                Math.abs(at.toEpochMilli() - System.currentTimeMillis()) < 60_000, "timestamp is now, in UTC: " + at);
        assertTrue(posted.header("Location").orElseThrow().endsWith("/rooms/" + room + "/messages/1"));
        assertEquals(
                "hello there",
                api.get("/rooms/" + room + "/messages/1", alice.token()).json().getString("content"));
        assertEquals(1, api.get("/rooms/" + room, alice.token()).json().getInt("last_seq"));
    }

    @Test
    void aRepeatedClientIdStoresOneMessage() {
        var first = post("{\"content\":\"once\",\"client_id\":\"same\"}");
        var second = post("{\"content\":\"once\",\"client_id\":\"same\"}");
        var third = post("{\"content\":\"different text, same id\",\"client_id\":\"same\"}");
        assertEquals(201, first.status(), first::toString);
        assertEquals(200, second.status(), second::toString);
        assertEquals(200, third.status(), third::toString);
        for (var repeat : List.of(second, third)) {
            assertEquals(first.json().getJsonNumber("id"), repeat.json().getJsonNumber("id"));
            assertEquals(1, repeat.json().getInt("seq"));
            assertEquals("once", repeat.json().getString("content"));
        }
        assertEquals(1, history("").getJsonArray("messages").size());
        // another sender may use the same client_id: the key is (room, sender, client_id)
        Users.User bob = Users.create(api, "bob");
        api.put("/rooms/" + room + "/members/me", bob.token());
        var bobs =
                api.post("/rooms/" + room + "/messages", "{\"content\":\"mine\",\"client_id\":\"same\"}", bob.token());
        assertEquals(201, bobs.status(), bobs::toString);
        assertEquals(2, bobs.json().getInt("seq"));
    }

    @Test
    void historyPagesCoverEveryMessageOnce() {
        for (int i = 1; i <= 250; i++) {
            assertEquals(201, post("{\"content\":\"m" + i + "\"}").status());
        }
        JsonObject newest = history("");
        assertEquals(seqs(201, 250), seqsOf(newest), "default: the newest 50, ascending");
        assertTrue(newest.getBoolean("has_more"));

        // backwards with before, 40 at a time
        List<Long> seen = new ArrayList<>();
        Long before = null;
        boolean more = true;
        while (more) {
            JsonObject page = history("?limit=40" + (before == null ? "" : "&before=" + before));
            List<Long> seqs = seqsOf(page);
            assertTrue(seqs.size() <= 40);
            seen.addAll(0, seqs);
            before = seqs.get(0);
            more = page.getBoolean("has_more");
        }
        assertEquals(seqs(1, 250), seen);

        // forwards with after, 200 at a time
        JsonObject first = history("?after=0&limit=200");
        assertEquals(seqs(1, 200), seqsOf(first));
        assertTrue(first.getBoolean("has_more"));
        JsonObject rest = history("?after=200&limit=200");
        assertEquals(seqs(201, 250), seqsOf(rest));
        assertFalse(rest.getBoolean("has_more"));

        // both bounds: the page lies between them
        JsonObject between = history("?after=100&before=106");
        assertEquals(seqs(101, 105), seqsOf(between));
        assertFalse(between.getBoolean("has_more"));
        assertEquals("m101", between.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(List.of(), seqsOf(history("?before=1")));
    }

    /**
     * Eight senders at once, each a different member of the room (the rate limit is per user;
     * this test is about seq allocation, not about one user's burst), 50 posts each.
     */
    @Test
    void concurrentSendersGetGapFreeSeqs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            // registering costs a slow password hash each: in parallel
            List<Future<Users.User>> registering = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                registering.add(pool.submit(() -> Users.create(api, "sender")));
            }
            List<Users.User> members = new ArrayList<>();
            for (var registered : registering) {
                Users.User member = registered.get(120, TimeUnit.SECONDS);
                var joined = api.put("/rooms/" + room + "/members/me", member.token());
                assertEquals(204, joined.status(), joined::toString);
                members.add(member);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> senders = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Users.User sender = members.get(t);
                senders.add(pool.submit(() -> {
                    go.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        var posted = api.post(
                                "/rooms/" + room + "/messages",
                                "{\"content\":\"t" + thread + " #" + i + "\"}",
                                sender.token());
                        assertEquals(201, posted.status(), posted::toString);
                        assertEquals(sender.name(), posted.json().getString("sender"), posted::toString);
                        mine.add(posted.json().getJsonNumber("seq").longValue());
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<Long> all = new ArrayList<>();
            for (var sender : senders) {
                List<Long> mine = sender.get(120, TimeUnit.SECONDS);
                assertEquals(mine.stream().sorted().toList(), mine, "one sender's seqs rise in its own order");
                all.addAll(mine);
            }
            assertEquals(seqs(1, 400), all.stream().sorted().toList());
            List<Long> stored = new ArrayList<>(seqsOf(history("?after=0&limit=200")));
            stored.addAll(seqsOf(history("?after=200&limit=200")));
            assertEquals(seqs(1, 400), stored);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputGetsAClearAnswerAndStoresNothing() {
        assertProblem(400, post("{\"content\":"), null);
        assertProblem(400, post("not json at all"), null);
        assertProblem(400, post("{\"content\":42}"), "content");
        assertProblem(400, post("{\"content\":\"ok\",\"client_id\":7}"), "client_id");
        assertProblem(400, post("{}"), "content");
        assertProblem(400, post(""), null);
        assertProblem(400, post("{\"content\":\"\"}"), "content");
        assertProblem(400, post("{\"content\":\"   \\n\\t \"}"), "content");
        assertProblem(400, post("{\"content\":\"" + "x".repeat(4001) + "\"}"), "content");
        assertProblem(400, post("{\"content\":\"ok\",\"message_type\":\"video\"}"), "message_type");
        assertProblem(413, post("{\"content\":\"" + "x".repeat(1_048_576) + "\"}"), null);
        var chunked = api.send(api.request("/rooms/" + room + "/messages", alice.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        ("{\"content\":\"" + "y".repeat(200_000) + "\"}").getBytes()))));
        assertProblem(413, chunked, null);
        assertProblem(400, api.get("/rooms/" + room + "/messages?limit=100000", alice.token()), "limit");
        assertProblem(400, api.get("/rooms/" + room + "/messages?limit=0", alice.token()), "limit");
        assertProblem(400, api.get("/rooms/" + room + "/messages?before=abc", alice.token()), "before");
        assertProblem(404, api.post("/rooms/987654321/messages", "{\"content\":\"hi\"}", alice.token()), null);
        assertProblem(404, api.get("/rooms/987654321/messages", alice.token()), null);
        assertProblem(
                415,
                api.send(api.request("/rooms/" + room + "/messages", alice.token())
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hi"))),
                null);

        assertEquals(201, post("{\"content\":\"" + "x".repeat(4000) + "\"}").status(), "4,000 characters are fine");
        assertEquals(List.of(1L), seqsOf(history("")), "only the valid message was stored");
    }

    private Api.Reply post(String json) {
        return api.post("/rooms/" + room + "/messages", json, alice.token());
    }

    private JsonObject history(String query) {
        var page = api.get("/rooms/" + room + "/messages" + query, alice.token());
        assertEquals(200, page.status(), page::toString);
        return page.json();
    }

    static List<Long> seqsOf(JsonObject page) {
        return page.getJsonArray("messages").stream()
                .map(m -> m.asJsonObject().getJsonNumber("seq").longValue())
                .toList();
    }

    static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    static void assertProblem(int status, Api.Reply reply, String field) {
        assertEquals(status, reply.status(), reply::toString);
        assertEquals("application/problem+json", reply.contentType(), reply::toString);
        JsonObject problem = reply.json();
        assertEquals(status, problem.getInt("status"));
        assertTrue(problem.containsKey("title") && problem.containsKey("detail"), reply::toString);
        assertFalse(reply.body().contains("Exception"), "no stack trace: " + reply);
        if (field != null) {
            assertTrue(
                    problem.getJsonArray("errors").stream()
                            .anyMatch(e -> e.asJsonObject().getString("field").equals(field)),
                    reply::toString);
        }
    }
}
