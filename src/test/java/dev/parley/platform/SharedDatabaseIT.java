package dev.parley.platform;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.MicroProcess;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes on one PostgreSQL database (no Redis): a logout or a ban taken on one node ends the
 * connections on the other within its refresh interval (1 s here), and its REST refuses them.
 */
@ExtendWith(TestDatabase.class)
class SharedDatabaseIT {

    static final Duration REFRESH = Duration.ofSeconds(1);

    @Test
    void logoutsAndBansReachTheOtherNode() throws Exception {
        Assumptions.assumeTrue(
                TestDatabase.postgres(), "two nodes need a shared database: runs in the PostgreSQL suite");
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path log = build.resolve("shared-database-it.log");
        List<String> options = List.of("-Dparley.access.refresh-interval=" + REFRESH);
        Path dataA = Files.createTempDirectory(build, "node-a");
        try (MicroProcess a = MicroProcess.start(dataA, log, options)) {
            // both nodes sign and verify with one key, as a real deployment would configure
            Path key = dataA.resolve("keys").resolve("jwt-signing-key.pem");
            List<String> sameKey = List.of(options.get(0), "-Dparley.jwt.signing-key.location=" + key);
            try (MicroProcess b = MicroProcess.start(Files.createTempDirectory(build, "node-b"), log, sameKey)) {
                Api onA = a.api();
                Api onB = b.api();
                Users.User alice = Users.create(onA, "alice");
                String kept = login(onA, alice.name());
                Users.User bob = Users.create(onA, "bob");
                Users.User admin = admin(onA);

                try (ChatClient leaving = ChatClient.to(onB, "/ws/chat")
                                .bearer(alice.token())
                                .open();
                        ChatClient staying =
                                ChatClient.to(onB, "/ws/chat").bearer(kept).open();
                        ChatClient banned = ChatClient.to(onB, "/ws/chat")
                                .bearer(bob.token())
                                .open()) {
                    assertEquals(
                            204, onA.post("/auth/logout", null, alice.token()).status());
                    ChatClient.Closure closure = leaving.awaitClosure(ChatClient.WAIT);
                    assertEquals(1008, closure.code(), closure::toString);
                    assertEquals("logged out", closure.reason());
                    assertEquals(401, onB.get("/me", alice.token()).status(), "node B refuses the token");
                    assertEquals(200, onB.get("/me", kept).status(), "alice's other token still works on B");

                    assertEquals(
                            204,
                            onA.put("/admin/users/" + bob.name() + "/ban", admin.token())
                                    .status());
                    ChatClient.Closure bannedClosure = banned.awaitClosure(ChatClient.WAIT);
                    assertEquals(1008, bannedClosure.code(), bannedClosure::toString);
                    assertEquals("banned", bannedClosure.reason());
                    await().atMost(ChatClient.WAIT)
                            .until(() -> onB.get("/me", bob.token()).status() == 403);
                    assertFalse(staying.isClosed(), "nobody else was disconnected");
                }
            }
        }
        assertTrue(Files.readString(log).contains("action=ban"), "the ban left an audit line");
    }

    private static String login(Api api, String name) {
        var login = api.post(
                "/auth/login", "{\"username\":\"" + name + "\",\"password\":\"" + Users.PASSWORD + "\"}", null);
        assertEquals(200, login.status(), login::toString);
        return login.json().getString("token");
    }

    private static Users.User admin(Api api) {
        // "moderator" is the test servers' admin (parley.admin.users); other test classes may have made it
        var registered = api.post(
                "/auth/register", "{\"username\":\"moderator\",\"password\":\"" + Users.PASSWORD + "\"}", null);
        assertTrue(registered.status() == 201 || registered.status() == 409, registered::toString);
        var login =
                api.post("/auth/login", "{\"username\":\"moderator\",\"password\":\"" + Users.PASSWORD + "\"}", null);
        assertEquals(200, login.status(), login::toString);
        return new Users.User(
                "moderator",
                login.json().getString("token"),
                login.json().getJsonObject("user").getJsonNumber("id").longValue());
    }
}
