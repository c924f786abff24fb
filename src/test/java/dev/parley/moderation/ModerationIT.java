package dev.parley.moderation;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.RestCalls.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.SocketWaits;
import dev.parley.support.SseClient;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admins (granted by {@code parley.admin.users}: "moderator" on the test server) list, disconnect,
 * ban and unban users and delete any message; everyone else gets 403 on those routes. Logout gives
 * one token back and closes what was opened with it. And the health an operator's load balancer reads.
 */
@ParleyTest
class ModerationIT {

    static final String ADMIN = "moderator";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    // one login for the class: logins are rate-limited per username
    static User admin;
    Api api;
    RestCalls rest;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void admin() {
        api = new Api(url);
        rest = new RestCalls(api);
        if (admin != null) {
            return;
        }
        String credentials = "{\"username\":\"" + ADMIN + "\",\"password\":\"" + Users.PASSWORD + "\"}";
        Api.Reply registered = api.post("/auth/register", credentials, null);
        assertTrue(registered.status() == 201 || registered.status() == 409, registered::toString);
        Api.Reply login = api.post("/auth/login", credentials, null);
        assertEquals(200, login.status(), login::toString);
        admin = new User(
                ADMIN,
                login.json().getString("token"),
                login.json().getJsonObject("user").getJsonNumber("id").longValue());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @Test
    void everyAdminRouteRefusesOthers() {
        User bob = Users.create(api, "bob");
        User carol = Users.create(api, "carol");
        List<HttpRequest.Builder> routes = List.of(
                api.request("/admin/users/" + carol.name() + "/connections", bob.token())
                        .GET(),
                api.request("/admin/users/" + carol.name() + "/disconnect", bob.token())
                        .POST(HttpRequest.BodyPublishers.noBody()),
                api.request("/admin/users/" + carol.name() + "/ban", bob.token())
                        .PUT(HttpRequest.BodyPublishers.noBody()),
                api.request("/admin/users/" + carol.name() + "/ban", bob.token())
                        .DELETE(),
                api.request("/admin/rooms/1/messages/1", bob.token()).DELETE(),
                api.request("/admin/rooms/1", bob.token()).DELETE());
        for (HttpRequest.Builder route : routes) {
            Api.Reply reply = api.send(route);
            assertProblem(403, reply);
            assertEquals("forbidden", reply.json().getString("code"), reply::toString);
        }
        assertProblem(401, api.get("/admin/users/" + carol.name() + "/connections", null));
        assertEquals(200, api.get("/me", carol.token()).status(), "carol was not banned by bob's attempt");
    }

    @Test
    void adminListsAndDisconnectsEveryConnection() {
        User bob = Users.create(api, "bob");
        ChatClient socket =
                open(ChatClient.to(api, "/ws/chat").bearer(bob.token()).open());
        long room = rest.publicRoom(bob);
        SseClient stream = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .open());

        Api.Reply listed = api.get("/admin/users/" + bob.name() + "/connections", admin.token());
        assertEquals(200, listed.status(), listed::toString);
        Set<String> transports = listed.array().stream()
                .map(v -> ((JsonObject) v).getString("transport"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("websocket", "sse"), transports, listed::toString);
        assertFalse(listed.body().contains(bob.token()), "no token in the listing");

        Api.Reply disconnected = api.post("/admin/users/" + bob.name() + "/disconnect", null, admin.token());
        assertEquals(200, disconnected.status(), disconnected::toString);
        assertEquals(2, disconnected.json().getInt("closed"));
        ChatClient.Closure closure = socket.awaitClosure(WAIT);
        assertEquals(1008, closure.code(), closure::toString);
        assertEquals("disconnected by an admin", closure.reason());
        assertEquals("the server ended the stream", stream.awaitEnd(WAIT));
        assertEquals(200, api.get("/me", bob.token()).status(), "a disconnect is not a ban");
    }

    @Test
    void aBanRefusesEveryDoorAndAnUnbanOpensThem() {
        User bob = Users.create(api, "bob");
        long room = rest.publicRoom(bob);
        ChatClient socket =
                open(ChatClient.to(api, "/ws/chat").bearer(bob.token()).open());

        assertEquals(
                204,
                api.put("/admin/users/" + bob.name() + "/ban", admin.token()).status());
        ChatClient.Closure closure = socket.awaitClosure(WAIT);
        assertEquals(1008, closure.code(), closure::toString);
        assertEquals("banned", closure.reason());

        Api.Reply rest = api.get("/me", bob.token());
        assertProblem(403, rest);
        assertEquals("banned", rest.json().getString("code"));
        assertEquals(401, ChatClient.to(api, "/ws/chat").bearer(bob.token()).refusal(), "handshake");
        SseClient refused = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .open());
        assertEquals(403, refused.status(), refused::body);
        assertEquals("banned", refused.problem().getString("code"));
        Api.Reply login = login(bob);
        assertProblem(403, login);
        assertEquals("banned", login.json().getString("code"));

        assertEquals(
                204,
                api.delete("/admin/users/" + bob.name() + "/ban", admin.token()).status());
        assertEquals(200, login(bob).status());
        assertEquals(200, api.get("/me", bob.token()).status(), "the old token is good again");
    }

    @Test
    void logoutGivesBackOneTokenAndClosesWhatItOpened() {
        User bob = Users.create(api, "bob");
        String other = login(bob).json().getString("token");
        long room = rest.publicRoom(bob);
        ChatClient first =
                open(ChatClient.to(api, "/ws/chat").bearer(bob.token()).open());
        SseClient stream = open(SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .open());
        ChatClient second =
                open(ChatClient.to(api, "/ws/chat?room=" + room).bearer(other).open());

        assertEquals(204, api.post("/auth/logout", null, bob.token()).status());
        ChatClient.Closure closure = first.awaitClosure(WAIT);
        assertEquals(1008, closure.code(), closure::toString);
        assertEquals("logged out", closure.reason());
        assertEquals("the server ended the stream", stream.awaitEnd(WAIT));

        assertProblem(401, api.get("/me", bob.token()));
        assertProblem(401, api.post("/auth/refresh", null, bob.token()));
        assertEquals(401, ChatClient.to(api, "/ws/chat").bearer(bob.token()).refusal());
        assertEquals(200, api.get("/me", other).status(), "the other token still works");
        JsonObject posted = rest.post(bob.withToken(other), room, "still here");
        JsonObject heard = SocketWaits.awaitFrame(second, f -> "message".equals(ChatClient.type(f)), "the message");
        assertEquals(
                posted.getJsonNumber("seq").longValue(),
                heard.getJsonNumber("seq").longValue());
        assertFalse(second.isClosed());
    }

    @Test
    void anAdminDeletesAnyMessage() {
        User alice = Users.create(api, "alice");
        User bob = Users.create(api, "bob");
        long room = rest.publicRoom(alice, bob);
        long seq =
                rest.post(bob, room, "something to remove").getJsonNumber("seq").longValue();
        ChatClient watcher = open(SocketWaits.roomSocket(api, alice, room));

        assertEquals(
                204,
                api.delete("/admin/rooms/" + room + "/messages/" + seq, admin.token())
                        .status());
        JsonObject deleted =
                SocketWaits.awaitFrame(watcher, f -> "message_deleted".equals(ChatClient.type(f)), "the delete");
        assertEquals(seq, deleted.getJsonNumber("seq").longValue());
        JsonObject stored = rest.history(room, alice).get(0);
        assertTrue(stored.getBoolean("deleted"), stored::toString);
        assertProblem(404, api.delete("/admin/rooms/" + room + "/messages/" + (seq + 100), admin.token()));
    }

    @Test
    void anAdminDeletesARoom() {
        User alice = Users.create(api, "alice");
        User bob = Users.create(api, "bob");
        long room = rest.publicRoom(alice, bob);
        rest.post(bob, room, "soon gone");
        ChatClient pinned = open(SocketWaits.roomSocket(api, alice, room));
        ChatClient personal = open(SocketWaits.multiplexed(api, bob, ""));

        assertEquals(204, api.delete("/admin/rooms/" + room, admin.token()).status());
        JsonObject removed =
                SocketWaits.awaitFrame(personal, f -> "room_removed".equals(ChatClient.type(f)), "room_removed");
        assertEquals(room, removed.getJsonNumber("room_id").longValue(), removed::toString);
        ChatClient.Closure closure = pinned.awaitClosure(WAIT);
        assertEquals(4004, closure.code(), closure::toString);
        assertProblem(404, api.get("/rooms/" + room, alice.token()));
        assertTrue(
                rest.rooms(bob).stream().noneMatch(r -> r.getJsonNumber("id").longValue() == room),
                "gone from the list");
        assertProblem(404, api.delete("/admin/rooms/" + room, admin.token()));
        assertFalse(personal.isClosed(), "a multiplexed socket stays open");
    }

    @Test
    void readinessNamesTheDatabaseCheck() {
        URI ready = api.base().resolve("/health/ready");
        Api.Reply reply = api.send(HttpRequest.newBuilder(ready).GET());
        assertEquals(200, reply.status(), reply::toString);
        JsonObject database = reply.json().getJsonArray("checks").stream()
                .map(JsonObject.class::cast)
                .filter(check -> "database".equals(check.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no database check: " + reply));
        assertEquals("UP", database.getString("status"), database::toString);
        Api.Reply live = api.send(
                HttpRequest.newBuilder(api.base().resolve("/health/live")).GET());
        assertEquals(200, live.status(), live::toString);
        assertTrue(live.body().contains("\"delivery\""), live::toString);
    }

    private Api.Reply login(User user) {
        return api.post(
                "/auth/login", "{\"username\":\"" + user.name() + "\",\"password\":\"" + Users.PASSWORD + "\"}", null);
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }
}
