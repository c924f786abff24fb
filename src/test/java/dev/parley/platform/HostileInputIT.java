package dev.parley.platform;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static dev.parley.support.RestCalls.assertProblem;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.Subscribed;
import dev.parley.support.TestKeys;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Input an attacker would send, each case a defect found by trying: malformed Unicode, absurd
 * JSON, a pinned socket reaching for another room, racing handshakes past the connection cap,
 * oversized frames, a token without {@code typ}, and login attempts past their limits. Each must end in a clear
 * refusal while everyone else carries on.
 */
@ParleyTest
class HostileInputIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    RestCalls rest;
    final List<ChatClient> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void api() {
        api = new Api(url);
        rest = new RestCalls(api);
    }

    @AfterEach
    void closeSockets() {
        List<ChatClient> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
        }
        all.forEach(ChatClient::close);
    }

    ChatClient open(String pathAndQuery, User user) {
        ChatClient client =
                ChatClient.to(api, pathAndQuery).bearer(user.token()).open();
        opened.add(client);
        client.next("connected");
        return client;
    }

    ChatClient inRoom(User user, long room) {
        ChatClient client = open("/ws/chat/" + room, user);
        Subscribed.read(client, room);
        return client;
    }

    // ---- malformed text

    /**
     * A lone surrogate used to be stored, then silenced every socket that should have received
     * it. Now it is refused wherever text enters, as is NUL, and text made only of Unicode blanks
     * counts as blank; the sockets that would have received it carry on.
     */
    @Test
    void malformedTextIsRefusedWhereverItEntersAndNothingIsSilenced() {
        List<User> users = RestCalls.register(api, "text", "peer");
        User sender = users.get(0);
        User peer = users.get(1);
        long room = rest.publicRoom(sender, peer);
        ChatClient mine = inRoom(sender, room);
        ChatClient theirs = inRoom(peer, room);
        ChatClient personal = open("/ws/chat", peer);
        mine.fence();

        for (String bad : List.of("\\ud800", "a\\udc00b", "\\ud83d", "nul\\u0000")) {
            String body = "{\"content\":\"" + bad + "\",\"client_id\":\"c\"}";
            Api.Reply posted = api.post("/rooms/" + room + "/messages", body, sender.token());
            assertInvalid(posted, "content");
            assertInvalid(api.post("/direct/" + peer.name() + "/messages", body, sender.token()), "content");
            String displayName = "{\"username\":\"" + Users.unique("bad") + "\",\"password\":\"" + Users.PASSWORD
                    + "\",\"display_name\":\"" + bad + "\"}";
            assertInvalid(api.post("/auth/register", displayName, null), "display_name");
            assertInvalid(api.post("/rooms", "{\"name\":\"" + bad + "\"}", sender.token()), "name");

            mine.send("{\"type\":\"message\",\"content\":\"" + bad + "\",\"client_id\":\"s-1\"}");
            JsonObject error = mine.next("error", WAIT, "presence");
            assertEquals("invalid", error.getString("code"), error::toString);
            assertEquals("s-1", error.getString("ref"), error::toString);
            assertTrue(error.getString("message").startsWith("content"), error::toString);
            mine.send("{\"type\":\"message\",\"content\":\"fine\",\"client_id\":\"" + bad + "\"}");
            assertEquals("invalid", mine.next("error", WAIT, "presence").getString("code"));
        }
        for (String blank : List.of("\\u00a0", "\\u2003\\u3000", "\\u200b", " \\u00a0\\u200b\\ufeff ")) {
            Api.Reply posted =
                    api.post("/rooms/" + room + "/messages", "{\"content\":\"" + blank + "\"}", sender.token());
            assertInvalid(posted, "content");
            assertTrue(posted.body().contains("blank"), posted::toString);
        }
        assertEquals(0, rest.lastSeq(room, sender), "nothing was stored");
        assertTrue(rest.directs(peer).isEmpty(), "no direct room was made either");

        // every socket that would have received those still works
        JsonObject stored = rest.post(sender, room, "still here \ud83d\ude00");
        for (ChatClient client : List.of(mine, theirs)) {
            JsonObject message = client.next("message", WAIT, "presence");
            RestCalls.assertSameMessage(stored, message);
        }
        rest.direct(sender, peer, "and a direct one");
        assertEquals(
                "and a direct one",
                personal.next("message", WAIT, "room_added", "subscribed", "presence")
                        .getString("content"));
        assertEquals(List.of(), withoutPresence(theirs.fence()));
    }

    /**
     * A display name or a room's name is shown beside other people's words. A line break let one
     * pass for a message of its own ("Mallory\nadmin: you are banned"), and a bidirectional
     * override showed its letters in another order than stored. Names are one line now; messages
     * keep their line breaks.
     */
    @Test
    void aNameThatCouldPassForSomethingElseIsRefused() {
        User owner = RestCalls.register(api, "namer").get(0);
        for (String bad : List.of("Mallory\\nadmin: you are banned", "tab\\tbed", "\\u001b[31mred", "\\u202enimda")) {
            String displayName = "{\"username\":\"" + Users.unique("spoof") + "\",\"password\":\"" + Users.PASSWORD
                    + "\",\"display_name\":\"" + bad + "\"}";
            assertInvalid(api.post("/auth/register", displayName, null), "display_name");
            assertInvalid(api.post("/rooms", "{\"name\":\"" + bad + "\"}", owner.token()), "name");
        }
        assertTrue(rest.rooms(owner).stream().noneMatch(r -> r.getBoolean("member")), "no room was made");

        String rtl = "\u05e9\u05dc\u05d5\u05dd \u200f\u05e2\u05d5\u05dc\u05dd";
        Api.Reply named = api.post("/rooms", "{\"name\":\"" + rtl + "\"}", owner.token());
        assertEquals(201, named.status(), named::toString);
        assertEquals(rtl, named.json().getString("name"));
        long room = named.json().getJsonNumber("id").longValue();
        assertEquals("two\nlines", rest.post(owner, room, "two\nlines").getString("content"));
    }

    static List<JsonObject> withoutPresence(List<JsonObject> frames) {
        return frames.stream()
                .filter(f -> !"presence".equals(ChatClient.type(f)))
                .toList();
    }

    static void assertInvalid(Api.Reply reply, String field) {
        assertProblem(400, reply);
        assertEquals("invalid", reply.json().getString("code"), reply::toString);
        assertEquals(field, reply.json().getJsonArray("errors").getJsonObject(0).getString("field"), reply::toString);
    }

    // ---- absurd JSON

    @Test
    void absurdJsonIsBadJsonNotAServerError() {
        User user = RestCalls.register(api, "json").get(0);
        String deep = "{\"username\":\"x\",\"a\":" + "[".repeat(1100) + "]".repeat(1100) + "}";
        String longNumber = "{\"username\":\"x\",\"password\":\"y\",\"n\":" + "9".repeat(1200) + "}";
        String longExponent = "{\"username\":\"x\",\"n\":1e" + "9".repeat(1200) + "}";
        for (String body : List.of(deep, longNumber, longExponent)) {
            for (String path : List.of("/auth/register", "/auth/login")) {
                Api.Reply reply = api.post(path, body, null);
                assertProblem(400, reply);
                assertEquals("bad_json", reply.json().getString("code"), reply::toString);
            }
        }
        ChatClient socket = open("/ws/chat", user);
        for (String body : List.of(
                deep, longNumber, "{\"type\":\"ping\",\"x\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2001))) {
            socket.send(body);
            JsonObject error = socket.next("error");
            assertEquals("bad_json", error.getString("code"), error::toString);
        }
        assertEquals(List.of(), socket.fence(), "the socket is still open and answers");
    }

    // ---- bodies that are not text

    @Test
    void aBodyThatIsNotTextInItsCharsetIsRefusedNotStoredChanged() {
        User user = RestCalls.register(api, "bytes").get(0);
        long room = rest.publicRoom(user);
        String path = "/rooms/" + room + "/messages";
        byte[] notUtf8 = "{\"content\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        Api.Reply malformed = api.send(api.request(path, user.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8)));
        assertProblem(400, malformed);
        assertEquals("bad_json", malformed.json().getString("code"), malformed::toString);

        for (String charset : List.of("bogus", "utf-9")) {
            Api.Reply unknown = api.send(api.request(path, user.token())
                    .header("Content-Type", "application/json; charset=" + charset)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hi\"}")));
            assertProblem(415, unknown);
            assertEquals("unsupported_charset", unknown.json().getString("code"), unknown::toString);
        }
        assertEquals(List.of(), rest.history(room, user), "nothing was stored");

        // the same bytes, declared as what they are, are the message the client meant
        Api.Reply declared = api.send(api.request(path, user.token())
                .header("Content-Type", "application/json; charset=ISO-8859-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8)));
        assertEquals(201, declared.status(), declared::toString);
        assertEquals("caf\u00e9", declared.json().getString("content"), declared::toString);
        assertEquals(1, rest.history(room, user).size());
    }

    // ---- a socket pinned to one room

    @Test
    void aSocketPinnedToOneRoomCannotSubscribeToAnother() {
        User user = RestCalls.register(api, "pinned").get(0);
        long pinnedRoom = rest.publicRoom(user);
        long other = rest.publicRoom(user);
        ChatClient pinned = inRoom(user, pinnedRoom);

        pinned.send(frame("type", "subscribe", "room_id", other, "ref", "sub-1"));
        JsonObject error = pinned.next("error", WAIT, "presence");
        assertEquals("invalid", error.getString("code"), error::toString);
        assertEquals("sub-1", error.getString("ref"), error::toString);

        rest.post(user, other, "not for the pinned socket");
        JsonObject own = rest.post(user, pinnedRoom, "for the pinned socket");
        RestCalls.assertSameMessage(own, pinned.next("message", WAIT, "presence"));
        assertEquals(List.of(), withoutPresence(pinned.fence()), "nothing from the other room");

        // subscribing again to its own room is fine: it resumes
        pinned.send(frame("type", "subscribe", "room_id", pinnedRoom, "since", 0));
        assertEquals(1, Subscribed.read(pinned, pinnedRoom).replayed());
    }

    // ---- the connection cap

    /** 19 open, then 30 handshakes at once: exactly one gets in, the other 29 get 429. */
    @Test
    void racingHandshakesNeverPassTheConnectionCap() throws Exception {
        User user = RestCalls.register(api, "cap").get(0);
        for (int i = 0; i < 19; i++) {
            open("/ws/chat", user);
        }
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<WebSocket>> racing = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            racing.add(http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + user.token())
                    .connectTimeout(WAIT)
                    .buildAsync(
                            api.wsBase().resolve(api.wsBase().getPath() + "/ws/chat"), new WebSocket.Listener() {}));
        }
        int accepted = 0;
        int refused = 0;
        List<WebSocket> extra = new ArrayList<>();
        for (CompletableFuture<WebSocket> attempt : racing) {
            try {
                extra.add(attempt.get(30, TimeUnit.SECONDS));
                accepted++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, e::toString);
                assertEquals(
                        429,
                        ((java.net.http.WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode());
                refused++;
            }
        }
        extra.forEach(WebSocket::abort);
        assertEquals(1, accepted, "only the 20th socket fits under the cap");
        assertEquals(29, refused);

        // closing gives the slots back: the user can open 20 again, and not 21
        closeSockets();
        opened.clear();
        await("the closed sockets' slots given back")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    ChatClient.Handshake attempt =
                            ChatClient.to(api, "/ws/chat").bearer(user.token()).attempt();
                    if (attempt.client() == null) {
                        return false;
                    }
                    attempt.client().close();
                    return true;
                });
        await("all 20 slots free again")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    closeSockets();
                    opened.clear();
                    for (int i = 0; i < 20; i++) {
                        ChatClient.Handshake attempt = ChatClient.to(api, "/ws/chat")
                                .bearer(user.token())
                                .attempt();
                        if (attempt.client() == null) {
                            return false;
                        }
                        opened.add(attempt.client());
                    }
                    return true;
                });
        assertEquals(429, ChatClient.to(api, "/ws/chat").bearer(user.token()).refusal());
    }

    // ---- oversized frames

    /**
     * A frame over the limit is refused as soon as the container has buffered 120 KiB,
     * not 4 MB: with 1009 when Parley sees it, with 1011 when the container's buffer overflows
     * first (Tyrus checks no announced length and answers an overflow with 1011: a known issue).
     * Either way the socket closes at once and never holds more than the container buffer.
     */
    @Test
    void anOversizedFrameIsRefusedEarly() {
        User user = RestCalls.register(api, "big").get(0);
        assertEquals(
                1009,
                ChatClient.sendSingleFrame(api, "/ws/chat", user.token(), "x".repeat(65537)),
                "one byte over the limit: Parley's own 1009");
        assertEquals(
                1011,
                ChatClient.sendSingleFrame(api, "/ws/chat", user.token(), "x".repeat(200 * 1024)),
                "past the container's 120 KiB buffer: refused before it reaches Parley");
        int huge = ChatClient.sendSingleFrame(api, "/ws/chat", user.token(), "x".repeat(5 * 1024 * 1024));
        assertTrue(huge == 1011 || huge == 1009, "a 5 MiB frame is refused: " + huge);
        int announced = ChatClient.sendAnnouncedFrame(api, "/ws/chat", user.token(), 1L << 40, new byte[128 * 1024]);
        assertTrue(
                announced == 1011 || announced == 1009,
                "a header announcing 1 TiB is refused after 128 KiB, not left open: " + announced);
    }

    // ---- one rule for tokens, whatever carries them

    @Test
    void aTokenWithoutTypIsRefusedInTheQueryAsInTheHeader() throws Exception {
        User user = RestCalls.register(api, "typ").get(0);
        long room = rest.publicRoom(user);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("parley")
                .subject(String.valueOf(user.id()))
                .claim("upn", user.name())
                .claim("groups", List.of("user"))
                .issueTime(new Date())
                .jwtID(UUID.randomUUID().toString())
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        SignedJWT untyped = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims);
        untyped.sign(new RSASSASigner(TestKeys.privateKey()));
        String token = untyped.serialize();

        assertEquals(401, api.get("/me", token).status(), "MP-JWT refuses it in the header");
        assertEquals(401, ChatClient.to(api, "/ws/chat?token=" + token).refusal(), "and so does the socket handshake");
        assertEquals(401, ChatClient.to(api, "/ws/chat").bearer(token).refusal());
        assertProblem(401, api.get("/rooms/" + room + "/events?token=" + token, null));
    }

    // ---- logins

    @Test
    void wrongPasswordsAreLimitedPerUsernameWithRetryAfterAndRightOnesAreNot() {
        User user = RestCalls.register(api, "limited").get(0);
        String right = "{\"username\":\"" + user.name() + "\",\"password\":\"" + Users.PASSWORD + "\"}";
        String wrong = "{\"username\":\"" + user.name().toUpperCase(Locale.ROOT) + "\",\"password\":\"not it\"}";
        // one device after another signing in: more than the limit's burst, and none refused
        for (int i = 0; i < 15; i++) {
            Api.Reply login = api.post("/auth/login", right, null);
            assertEquals(200, login.status(), "login " + i + ": " + login);
        }
        Api.Reply last = null;
        int wrongAnswered = 0;
        for (int i = 0; i < 20 && (last == null || last.status() != 429); i++) {
            last = api.post("/auth/login", wrong, null);
            if (last.status() == 401) {
                wrongAnswered++;
            }
        }
        assertProblem(429, last);
        assertEquals("rate_limited", last.json().getString("code"), last::toString);
        assertTrue(Integer.parseInt(last.header("Retry-After").orElseThrow()) >= 1, last::toString);
        assertTrue(wrongAnswered >= 5 && wrongAnswered <= 12, "the burst of guesses answered first: " + wrongAnswered);
        // while guessing is held back, the right password is held back too: a 200 would tell a guesser it was right
        assertProblem(429, api.post("/auth/login", right, null));
    }

    /**
     * A stranger failing logins for a name ran its attempts down, and then its owner could not
     * sign in either, anywhere. A client that signed in before sends the device proof its login
     * got, and its attempts are its own: the guesser locks out new devices only.
     */
    @Test
    void aDeviceThatSignedInBeforeIsNotLockedOutByAGuesserOfItsName() {
        List<User> users = RestCalls.register(api, "owner", "bystander");
        User owner = users.get(0);
        Api.Reply first = login(owner.name(), Users.PASSWORD, null);
        assertEquals(200, first.status(), first::toString);
        String proof = first.json().getString("device");

        guessUntilLimited(owner.name(), null);
        assertProblem(429, login(owner.name(), Users.PASSWORD, null));
        Api.Reply known = login(owner.name().toUpperCase(Locale.ROOT), Users.PASSWORD, proof);
        assertEquals(200, known.status(), known::toString);
        assertEquals(proof, known.json().getString("device"));
        assertEquals(owner.name(), known.json().getJsonObject("user").getString("username"));

        // the proof vouches for its own user only, and it is no token
        guessUntilLimited(users.get(1).name(), null);
        assertProblem(429, login(users.get(1).name(), Users.PASSWORD, proof));
        assertProblem(401, api.get("/me", proof));

        // a guesser holding the proof is limited like one without it
        guessUntilLimited(owner.name(), proof);
        assertProblem(429, login(owner.name(), Users.PASSWORD, proof));
    }

    Api.Reply login(String username, String password, String device) {
        var body = Json.createObjectBuilder().add("username", username).add("password", password);
        if (device != null) {
            body.add("device", device);
        }
        return api.post("/auth/login", body.build().toString(), null);
    }

    /** Wrong passwords for {@code username} until one is refused as rate-limited; fails if none is within 20. */
    void guessUntilLimited(String username, String device) {
        for (int i = 0; i < 20; i++) {
            Api.Reply guess = login(username, "not it", device);
            if (guess.status() == 429) {
                assertEquals("rate_limited", guess.json().getString("code"), guess::toString);
                return;
            }
            assertProblem(401, guess);
        }
        throw new AssertionError("20 wrong passwords for " + username + " and none refused");
    }
}
