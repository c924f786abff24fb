package dev.parley.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.ChatClient;
import dev.parley.support.MicroProcess;
import dev.parley.support.SseClient;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stops the server and starts it again on the same data folder: nothing is lost, a logged-out
 * token stays refused, and the log holds no token, password or message body, although tokens
 * travelled in query strings.
 */
@ExtendWith(TestDatabase.class)
class RestartIT {

    @Test
    void dataAndLoginsSurviveARestart() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "restart-data");
        Path log = build.resolve("restart-it.log");
        String name;
        long room;
        String tokenBefore;
        String loggedOut;
        try (MicroProcess first = MicroProcess.start(data, log)) {
            Users.User alice = Users.create(first.api(), "restart");
            name = alice.name();
            tokenBefore = alice.token();
            loggedOut = first.api()
                    .post(
                            "/auth/login",
                            "{\"username\":\"" + name + "\",\"password\":\"" + Users.PASSWORD + "\"}",
                            null)
                    .json()
                    .getString("token");
            room = first.api()
                    .post("/rooms", "{\"name\":\"Durable\"}", alice.token())
                    .json()
                    .getJsonNumber("id")
                    .longValue();
            try (ChatClient socket = ChatClient.to(first.api(), "/ws/chat?room=" + room + "&access_token=" + loggedOut)
                            .open();
                    SseClient stream = SseClient.to(first.api(), "/rooms/" + room + "/events?access_token=" + loggedOut)
                            .open()) {
                for (int i = 1; i <= 3; i++) {
                    assertEquals(
                            201,
                            first.api()
                                    .post(
                                            "/rooms/" + room + "/messages",
                                            "{\"content\":\"kept " + i + "\"}",
                                            alice.token())
                                    .status());
                }
                for (int i = 1; i <= 3; i++) {
                    assertEquals(
                            "kept " + i,
                            stream.next("message", ChatClient.WAIT, "subscribed", "presence", "typing", "read")
                                    .json()
                                    .getString("content"));
                }
                assertEquals(
                        204, first.api().post("/auth/logout", null, loggedOut).status());
                assertEquals(1008, socket.awaitClosure(ChatClient.WAIT).code());
            }
            first.stop();
        }
        try (MicroProcess second = MicroProcess.start(data, log)) {
            var login = second.api()
                    .post(
                            "/auth/login",
                            "{\"username\":\"" + name + "\",\"password\":\"" + Users.PASSWORD + "\"}",
                            null);
            assertEquals(200, login.status(), login::toString);
            String token = login.json().getString("token");
            var history = second.api().get("/rooms/" + room + "/messages", token);
            assertEquals(200, history.status(), history::toString);
            assertEquals(
                    java.util.List.of("kept 1", "kept 2", "kept 3"),
                    history.json().getJsonArray("messages").stream()
                            .map(m -> m.asJsonObject().getString("content"))
                            .toList());
            // the signing key was reused, so a token from before the restart is still good
            assertEquals(name, second.api().get("/me", tokenBefore).json().getString("username"));
            assertEquals(401, second.api().get("/me", loggedOut).status(), "logout outlives a restart");
        }
        String written = Files.readString(log);
        // on Payara Micro, Tyrus's per-frame idle timer must leave the context-capturing executor
        assertTrue(
                written.contains("WebSocket session timers run on Parley's own scheduler"),
                "SessionTimer did not take over Tyrus's session timer");
        // and the socket above got its messages as frames Parley framed once, not Tyrus per socket
        assertTrue(
                written.contains("WebSocket text frames are framed once per broadcast"),
                "PreFramed found no raw-frame write on Payara Micro");
        // and wrote them to the connection under the HTTP layer (DirectWrite)
        assertTrue(
                written.contains("WebSocket frames are written to the connection under the HTTP layer"),
                "DirectWrite found no connection to write to on Payara Micro");
        for (String secret : List.of(tokenBefore, loggedOut, Users.PASSWORD, "kept 1", "kept 2", "kept 3")) {
            assertFalse(
                    written.contains(secret),
                    "the server log must not contain " + (secret.startsWith("ey") ? "a token" : secret));
        }
    }
}
