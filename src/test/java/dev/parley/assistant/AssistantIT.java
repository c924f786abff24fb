package dev.parley.assistant;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.RestCalls.assertProblem;
import static dev.parley.support.RestCalls.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.MicroProcess;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.SocketWaits;
import dev.parley.support.SseClient;
import dev.parley.support.StubModelServer;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The assistant against a stub model server on 127.0.0.1 (the only stand-in: the server, its
 * sockets, streams and database are real). The server's {@code parley.ai.base-url} points at
 * the stub's port and its {@code parley.ai.timeout} is 3 s (pom.xml, {@code parley.test.jvm});
 * the API key comes from the environment, as in production.
 */
@ParleyTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AssistantIT {

    static StubModelServer model;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    RestCalls rest;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startModel() throws Exception {
        model = StubModelServer.start();
    }

    @AfterAll
    static void stopModel() {
        model.close();
    }

    @BeforeEach
    void clients() {
        api = new Api(url);
        rest = new RestCalls(api);
        model.reset();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    // ---- a reply, everywhere

    @Test
    @Order(1)
    void membersOnBothSocketsAndAStreamGetTheChunksInOrderThenOneSavedReply() throws Exception {
        User alice = RestCalls.registerNamed(api, "alice", "Alice Liddell");
        User bob = RestCalls.registerNamed(api, "bob", "Bob Dylan");
        long room = rest.publicRoom(alice, bob);
        long elsewhere = rest.publicRoom(bob);
        rest.post(bob, elsewhere, "a secret from another room");
        rest.post(bob, room, "what do we know?");

        // off until the owner turns it on: a mention is plain text and asks nothing
        rest.post(alice, room, "@assistant are you there?");
        assertProblem(403, api.patch("/rooms/" + room, "{\"assistant\":true}", bob.token()));
        assertProblem(400, api.patch("/rooms/" + room, "{\"assistant\":\"yes\"}", alice.token()));
        var on = api.patch("/rooms/" + room, "{\"assistant\":true}", alice.token());
        assertEquals(200, on.status(), on::toString);
        assertTrue(on.json().getBoolean("assistant"), on::toString);
        assertTrue(rest.room(room, bob).getBoolean("assistant"));
        assertFalse(rest.room(elsewhere, bob).getBoolean("assistant"));

        ChatClient aliceSocket = open(SocketWaits.roomSocket(api, alice, room));
        ChatClient bobSocket = open(SocketWaits.multiplexed(api, bob, "?room=" + room));
        bobSocket.next("subscribed", WAIT, SocketWaits.NOISE.toArray(String[]::new));
        SseClient bobStream = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .open());
        bobStream.next("subscribed");

        model.next(StubModelServer.reply("We ", "know ", "that ", "it is 42."));
        JsonObject trigger = rest.post(alice, room, "@assistant, what is the answer?");
        long seq = number(trigger, "seq");
        String whole = "We know that it is 42.";

        for (ChatClient socket : List.of(aliceSocket, bobSocket)) {
            List<JsonObject> frames = SocketWaits.until(socket, fromAssistant(room), "the saved reply", WAIT);
            assertChunks(frames.stream().filter(SocketWaits.ofType("ai_chunk")).toList(), room, seq, whole);
            assertReply(frames.get(frames.size() - 1), room, seq, whole);
        }
        List<JsonObject> events = new ArrayList<>();
        for (SseClient.Event e = bobStream.next(WAIT); ; e = bobStream.next(WAIT)) {
            if (e.type().equals("ai_chunk")) {
                assertEquals(null, e.id(), "a chunk carries no event id: " + e);
                events.add(e.json());
            } else if (e.type().equals("message") && fromAssistant(room).test(e.json())) {
                assertReply(e.json(), room, seq, whole);
                assertEquals(String.valueOf(number(e.json(), "seq")), e.id(), e::toString);
                break;
            }
        }
        assertChunks(events, room, seq, whole);

        // one request, for this room's messages only, with the display names and the key
        StubModelServer.Request request = model.request(WAIT);
        assertEquals("Bearer " + System.getenv("PARLEY_AI_API_KEY"), request.authorization());
        assertTrue(request.body().getBoolean("stream"), request.body()::toString);
        List<String> turns = request.body().getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("role") + "|" + m.getString("content"))
                .toList();
        assertTrue(turns.get(0).startsWith("system|"), turns::toString);
        assertEquals(
                List.of(
                        "user|Bob Dylan: what do we know?",
                        "user|Alice Liddell: @assistant are you there?",
                        "user|Alice Liddell: @assistant, what is the answer?"),
                turns.subList(1, turns.size()));
        assertEquals(List.of(), model.drainRequests(), "the mention before the owner turned it on asked nothing");

        // saved like any message: history, and a resume from before the trigger
        List<JsonObject> history = rest.history(room, bob);
        JsonObject saved = history.get(history.size() - 1);
        assertReply(saved, room, seq, whole);
        assertEquals(seq + 1, number(saved, "seq"));
        try (ChatClient resumed = ChatClient.to(api, "/ws/chat/" + room + "?since=" + seq)
                .bearer(bob.token())
                .open()) {
            assertReply(SocketWaits.awaitFrame(resumed, fromAssistant(room), "the replayed reply"), room, seq, whole);
        }

        // the assistant's previous answer is an assistant turn in the next request
        model.next(StubModelServer.reply("Still 42."));
        long second = number(rest.post(bob, room, "@Assistant and now?"), "seq");
        assertReply(
                SocketWaits.awaitFrame(aliceSocket, fromAssistant(room), "the second reply"),
                room,
                second,
                "Still 42.");
        List<JsonObject> next =
                model.request(WAIT).body().getJsonArray("messages").getValuesAs(JsonObject.class);
        JsonObject earlier = next.get(next.size() - 2);
        assertEquals("assistant", earlier.getString("role"), next::toString);
        assertEquals(whole, earlier.getString("content"), next::toString);
    }

    // ---- failures save nothing

    @Test
    @Order(2)
    void aFailedReplyIsAnAiErrorAndNothingIsSaved() throws Exception {
        User alice = RestCalls.register(api, "alice").get(0);
        long room = assistantRoom(alice);
        ChatClient socket = open(SocketWaits.roomSocket(api, alice, room));

        record Case(StubModelServer.Script script, String code) {}
        for (Case c : List.of(
                new Case(StubModelServer.dropped("Half ", "a "), "upstream_error"),
                new Case(StubModelServer.malformed("Bro"), "upstream_error"),
                new Case(StubModelServer.rateLimited(7), "rate_limited"),
                new Case(model.hanging("Wait"), "timeout"))) {
            model.next(c.script());
            long seq = number(rest.post(alice, room, "@assistant try"), "seq");
            JsonObject error = SocketWaits.awaitFrame(socket, SocketWaits.ofType("ai_error"), "ai_error " + c.code());
            assertEquals(c.code(), error.getString("code"), error::toString);
            assertEquals(seq, number(error, "reply_to"), error::toString);
            assertEquals(room, number(error, "room_id"), error::toString);
            assertNotNull(error.getString("stream_id"), error::toString);
            if (c.code().equals("rate_limited")) {
                assertEquals(7, number(error, "retry_after"), error::toString);
            }
        }
        assertTrue(
                rest.history(room, alice).stream()
                        .noneMatch(m -> m.getString("sender").equals("assistant")),
                "nothing half-written is saved: " + rest.history(room, alice));
    }

    // ---- one at a time, limits, cancel

    @Test
    @Order(3)
    void aSecondTriggerIsBusyTheLimitHoldsAndDeletingTheTriggerCancels() throws Exception {
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);
        long room = assistantRoom(alice, bob);
        ChatClient socket = open(SocketWaits.roomSocket(api, bob, room));

        CountDownLatch release = new CountDownLatch(1);
        model.next(StubModelServer.held(release, "Let me ", "think."));
        long first = number(rest.post(alice, room, "@assistant think hard"), "seq");
        JsonObject chunk = SocketWaits.awaitFrame(socket, SocketWaits.ofType("ai_chunk"), "the first chunk");
        assertEquals(first, number(chunk, "reply_to"), chunk::toString);

        // alice's allowance is 5 (the default): four more are busy, the sixth is over her limit
        for (int i = 2; i <= 6; i++) {
            long seq = number(rest.post(alice, room, "@assistant again " + i), "seq");
            JsonObject error = SocketWaits.awaitFrame(socket, SocketWaits.ofType("ai_error"), "ai_error for " + i);
            assertEquals(seq, number(error, "reply_to"), error::toString);
            assertEquals(i <= 5 ? "busy" : "rate_limited", error.getString("code"), error::toString);
        }

        assertEquals(204, rest.deleteMessage(alice, room, first).status());
        JsonObject cancelled = SocketWaits.awaitFrame(socket, SocketWaits.ofType("ai_error"), "the cancel");
        assertEquals("cancelled", cancelled.getString("code"), cancelled::toString);
        assertEquals(first, number(cancelled, "reply_to"), cancelled::toString);
        assertEquals(chunk.getString("stream_id"), cancelled.getString("stream_id"));
        release.countDown();

        // the room is free again at once; the cancelled reply never lands
        model.next(StubModelServer.reply("Here."));
        long third = number(rest.post(bob, room, "@assistant now you"), "seq");
        List<JsonObject> frames = SocketWaits.until(socket, fromAssistant(room), "bob's reply", WAIT);
        assertReply(frames.get(frames.size() - 1), room, third, "Here.");
        assertTrue(
                frames.stream().noneMatch(f -> f.getJsonNumber("reply_to") != null && number(f, "reply_to") == first),
                "nothing more of the cancelled reply: " + frames);
        List<JsonObject> saved = rest.history(room, bob).stream()
                .filter(m -> m.getString("sender").equals("assistant"))
                .toList();
        assertEquals(1, saved.size(), saved::toString);
        assertEquals(third, number(saved.get(0), "reply_to"));
    }

    // ---- the direct room with the assistant

    @Test
    @Order(4)
    void everyMessageInADirectRoomWithTheAssistantIsAnswered() throws Exception {
        User carol = RestCalls.registerNamed(api, "carol", "Carol King");
        ChatClient personal = open(SocketWaits.multiplexed(api, carol, ""));
        model.next(StubModelServer.slow(Duration.ofMillis(200), "Hi ", "Carol", "!"));

        var sent = rest.direct(carol, "assistant", "hello there");
        assertEquals(201, sent.status(), sent::toString);
        long room = number(sent.json(), "room_id");
        long seq = number(sent.json(), "seq");
        List<JsonObject> frames = SocketWaits.until(personal, fromAssistant(room), "the direct reply", WAIT);
        assertChunks(frames.stream().filter(SocketWaits.ofType("ai_chunk")).toList(), room, seq, "Hi Carol!");
        assertReply(frames.get(frames.size() - 1), room, seq, "Hi Carol!");
        assertEquals(
                List.of("user|Carol King: hello there"),
                model.request(WAIT).body().getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                        .skip(1)
                        .map(m -> m.getString("role") + "|" + m.getString("content"))
                        .toList());

        // nobody is the assistant: its name is taken, and it has no password
        String assistant = "{\"username\":\"assistant\",\"password\":\"correct horse battery\"}";
        assertProblem(409, api.post("/auth/register", assistant, null));
        assertProblem(409, api.post("/auth/register", assistant.replace("assistant\"", "ASSISTANT\""), null));
        assertProblem(401, api.post("/auth/login", assistant, null));
    }

    // ---- last: what the log shows

    @Test
    @Order(99)
    void theApiKeyAndTheMessagesNeverShowInTheServerLog() throws Exception {
        String key = System.getenv("PARLEY_AI_API_KEY");
        assertNotNull(key, "the pom hands the server an API key through the environment");
        // a server of its own, so that its whole log can be read here (the test server's reaches
        // the report only when the class ends)
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "assistant-data");
        Path log = build.resolve("assistant-it.log");
        Files.deleteIfExists(log);
        try (MicroProcess server = MicroProcess.start(data, log)) {
            Api other = server.api();
            User dave = Users.create(other, "dave");
            ChatClient personal = open(SocketWaits.multiplexed(other, dave, ""));
            model.next(StubModelServer.reply("Fine, ", "thanks."));
            model.next(StubModelServer.rateLimited(1));
            model.next(StubModelServer.malformed("Oops"));

            long room = number(
                    new RestCalls(other)
                            .direct(dave, "assistant", "how are you today")
                            .json(),
                    "room_id");
            assertReply(SocketWaits.awaitFrame(personal, fromAssistant(room), "the reply"), room, 1, "Fine, thanks.");
            for (String code : List.of("rate_limited", "upstream_error")) {
                new RestCalls(other).direct(dave, "assistant", "and tomorrow?");
                JsonObject error = SocketWaits.awaitFrame(personal, SocketWaits.ofType("ai_error"), code);
                assertEquals(code, error.getString("code"), error::toString);
            }
            assertEquals("Bearer " + key, model.request(WAIT).authorization());
        }
        String written = Files.readString(log);
        assertTrue(written.contains("schema at version"), "this is the server's log: " + log);
        for (String secret : List.of(key, "how are you today", "Fine, thanks", "and tomorrow")) {
            assertFalse(written.contains(secret), "the server log must not contain " + secret);
        }
    }

    // ---- helpers

    private long assistantRoom(User owner, User... joiners) {
        long room = rest.publicRoom(owner, joiners);
        assertEquals(
                200,
                api.patch("/rooms/" + room, "{\"assistant\":true}", owner.token())
                        .status());
        return room;
    }

    private static Predicate<JsonObject> fromAssistant(long room) {
        return frame -> SocketWaits.inRoom("message", room).test(frame)
                && frame.get("sender") instanceof JsonString s
                && s.getString().equals("assistant");
    }

    private static void assertChunks(List<JsonObject> chunks, long room, long replyTo, String whole) {
        assertFalse(chunks.isEmpty(), "no chunks");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            JsonObject c = chunks.get(i);
            assertEquals("ai_chunk", c.getString("type"), c::toString);
            assertEquals(room, number(c, "room_id"), c::toString);
            assertEquals(replyTo, number(c, "reply_to"), c::toString);
            assertEquals(i, number(c, "index"), "in order: " + chunks);
            assertEquals(chunks.get(0).getString("stream_id"), c.getString("stream_id"), c::toString);
            text.append(c.getString("delta"));
        }
        assertEquals(whole, text.toString(), chunks::toString);
    }

    private static void assertReply(JsonObject message, long room, long replyTo, String whole) {
        assertEquals(room, number(message, "room_id"), message::toString);
        assertEquals("assistant", message.getString("sender"), message::toString);
        assertEquals("Assistant", message.getString("sender_name"), message::toString);
        assertEquals(whole, message.getString("content"), message::toString);
        assertEquals(replyTo, number(message, "reply_to"), message::toString);
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }
}
