package dev.parley.platform;

import static dev.parley.support.ChatClient.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.MicroProcess;
import dev.parley.support.Nginx;
import dev.parley.support.RestCalls;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The limits that count per client address, on a node that trusts the proxy in front of it
 * ({@code parley.http.trusted-proxies}). Behind the README's nginx every request reached the node
 * from nginx's address, so the login limit per address was one bucket for everyone: one client
 * failing logins kept every other client out. Here clients are told apart by the
 * {@code X-Forwarded-For} they send, since on one machine they all come from 127.0.0.1, which is
 * also the trusted proxy; that a client cannot choose its address when it is not the proxy is
 * {@code ClientAddressTest}'s.
 */
@ExtendWith(TestDatabase.class)
class BehindAProxyIT {

    /** Login attempts per client address at once; refilled too slowly to matter in the test. */
    static final int LOGINS_PER_ADDRESS = 3;

    /** Open sockets and streams per client address. */
    static final int CONNECTIONS_PER_ADDRESS = 3;

    static final AtomicInteger CLIENTS = new AtomicInteger();

    static MicroProcess node;

    @BeforeAll
    static void start() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "behind-a-proxy-data");
        node = MicroProcess.start(
                data,
                build.resolve("behind-a-proxy-it.log"),
                List.of(
                        "-Dparley.ratelimit.auth.per-address.capacity=" + LOGINS_PER_ADDRESS,
                        "-Dparley.ratelimit.auth.per-address.per-second=0.001",
                        "-Dparley.ws.max-connections-per-address=" + CONNECTIONS_PER_ADDRESS,
                        "-Dparley.http.trusted-proxies=127.0.0.1,::1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void throughTheReadmesNginxOneClientsFailuresDoNotLockOthersOut() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path config = Path.of(System.getProperty("parley.server.config", "server-config"))
                .resolve("nginx/parley.conf");
        try (Nginx nginx = Nginx.inFront(
                config, build.resolve("behind-a-proxy-nginx"), node.api().base().getPort())) {
            Api lb = nginx.api();
            String name = Users.unique("proxied");
            assertEquals(
                    201,
                    auth(lb, "/auth/register", name, Users.PASSWORD, "203.0.113.8")
                            .status(),
                    "signed up through nginx");

            for (int i = 0; i < LOGINS_PER_ADDRESS; i++) {
                assertEquals(
                        401,
                        auth(lb, "/auth/login", Users.unique("nobody"), "wrong password", "203.0.113.7")
                                .status());
            }
            Api.Reply limited = auth(lb, "/auth/login", name, Users.PASSWORD, "203.0.113.7");
            assertEquals(429, limited.status(), "the failing client is limited: " + limited.body());
            assertEquals("rate_limited", limited.json().getString("code"));

            Api.Reply other = auth(lb, "/auth/login", name, Users.PASSWORD, "203.0.113.8");
            assertEquals(200, other.status(), "another client behind the same proxy signs in: " + other.body());
            assertEquals(name, other.json().getJsonObject("user").getString("username"));

            // sockets and streams through it are counted per client too: the file forwards the
            // address on every location
            Users.User user = new Users.User(
                    name,
                    other.json().getString("token"),
                    other.json().getJsonObject("user").getJsonNumber("id").longValue());
            long room = new RestCalls(lb).publicRoom(user);
            List<ChatClient> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS_PER_ADDRESS; i++) {
                    sockets.add(socket(lb, user, "203.0.113.60").open());
                }
                assertEquals(429, socket(lb, user, "203.0.113.60").refusal(), "a socket past the client's cap");
                Api.Reply stream = stream(lb, user, room, "203.0.113.60");
                assertEquals(429, stream.status(), "a stream past the client's cap: " + stream);
                try (ChatClient elsewhere = socket(lb, user, "203.0.113.61").open()) {
                    elsewhere.next("connected");
                }
            } finally {
                sockets.forEach(ChatClient::close);
            }
        }
    }

    /**
     * One machine holding many accounts could make a node keep twenty sockets open for each of
     * them: the address has its own cap, whoever the connections belong to.
     */
    @Test
    void aClientAddressHoldsAtMostItsCapOfSocketsAndStreams() {
        Api api = node.api();
        String many = "203.0.113.50";
        Users.User ann = signedUp(api, "ann");
        Users.User ben = signedUp(api, "ben");
        List<ChatClient> anns = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS_PER_ADDRESS; i++) {
                anns.add(socket(api, ann, many).open());
            }
            assertEquals(429, socket(api, ben, many).refusal(), "another account from the same address");
            long room = new RestCalls(api).publicRoom(ben);
            Api.Reply stream = stream(api, ben, room, many);
            assertEquals(429, stream.status(), stream::toString);
            assertEquals("too_many_connections", stream.json().getString("code"));

            try (ChatClient elsewhere = socket(api, ben, "203.0.113.51").open()) {
                elsewhere.next("connected");
            }

            anns.remove(0).close();
            await("a place freed by a closed socket").atMost(WAIT).until(() -> {
                ChatClient.Handshake again = socket(api, ben, many).attempt();
                if (again.client() == null) {
                    return false;
                }
                anns.add(again.client());
                return true;
            });
        } finally {
            anns.forEach(ChatClient::close);
        }
    }

    /** Opens a stream that is expected to be refused: a stream that opens is read until its timeout. */
    private static Api.Reply stream(Api api, Users.User user, long room, String client) {
        return api.send(api.request("/rooms/" + room + "/events", user.token())
                .header("Accept", "text/event-stream")
                .header("X-Forwarded-For", client)
                .GET());
    }

    private static ChatClient.Dial socket(Api api, Users.User user, String client) {
        return ChatClient.to(api, "/ws/chat").bearer(user.token()).forwardedFor(client);
    }

    /** A new user, signed up and in from an address of its own, so no login limit is met. */
    private static Users.User signedUp(Api api, String prefix) {
        String client = "198.51.100." + CLIENTS.incrementAndGet();
        String name = Users.unique(prefix);
        assertEquals(
                201, auth(api, "/auth/register", name, Users.PASSWORD, client).status());
        Api.Reply login = auth(api, "/auth/login", name, Users.PASSWORD, client);
        assertEquals(200, login.status(), login::toString);
        return new Users.User(
                name,
                login.json().getString("token"),
                login.json().getJsonObject("user").getJsonNumber("id").longValue());
    }

    private static Api.Reply auth(Api api, String path, String username, String password, String client) {
        String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
        return api.send(api.request(path, null)
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
