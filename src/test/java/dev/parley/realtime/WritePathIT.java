package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.MicroProcess;
import dev.parley.support.RestCalls;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On Payara, frames leave by the write to the connection under the HTTP layer (DirectWrite), which
 * every other socket test goes through. This one runs a server with it off, so that Tyrus's
 * raw-frame write, the path a socket keeps wherever the connection cannot be found, stays tested:
 * every message reaches every socket once, in order, REST and socket sends alike, with backlogs
 * written together.
 */
@ExtendWith(TestDatabase.class)
class WritePathIT {

    static final int SOCKETS = 5;
    static final int MESSAGES = 40;

    @Test
    void theRawFrameWriteDeliversEverythingInOrder() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path log = build.resolve("write-path-it.log");
        try (MicroProcess server = MicroProcess.start(
                Files.createTempDirectory(build, "write-path"), log, List.of("-Dparley.ws.direct-write=false"))) {
            Api api = server.api();
            List<User> users = RestCalls.register(api, "raw", "raw", "raw", "raw", "raw");
            long room = RestCalls.createRoom(api, users.get(0), "{\"name\":\"Raw\"}", users.subList(1, SOCKETS));
            List<ChatClient> sockets = new ArrayList<>();
            try {
                for (User user : users) {
                    ChatClient socket = ChatClient.to(api, "/ws/chat/" + room)
                            .bearer(user.token())
                            .open();
                    sockets.add(socket);
                    socket.next("subscribed", WAIT, "connected", "presence");
                }
                for (int i = 0; i < MESSAGES; i++) {
                    String content = "raw " + i;
                    if (i % 2 == 0) {
                        assertEquals(
                                201,
                                api.post(
                                                "/rooms/" + room + "/messages",
                                                "{\"content\":\"" + content + "\"}",
                                                users.get(i % SOCKETS).token())
                                        .status());
                    } else {
                        sockets.get(i % SOCKETS).send(frame("type", "message", "room_id", room, "content", content));
                    }
                }
                for (ChatClient socket : sockets) {
                    List<String> seen = new ArrayList<>();
                    long lastSeq = 0;
                    while (seen.size() < MESSAGES) {
                        JsonObject message = socket.next("message", WAIT, "presence", "ack", "typing", "read");
                        assertTrue(message.getJsonNumber("seq").longValue() > lastSeq, message::toString);
                        lastSeq = message.getJsonNumber("seq").longValue();
                        seen.add(message.getString("content"));
                    }
                    assertEquals(MESSAGES, seen.stream().distinct().count(), seen::toString);
                    assertEquals(MESSAGES, lastSeq, "seq is gap-free from 1");
                }
            } finally {
                sockets.forEach(ChatClient::close);
            }
        }
        String written = Files.readString(log);
        assertTrue(written.contains("WebSocket text frames are framed once per broadcast"), "pre-framed is on");
        assertFalse(
                written.contains("WebSocket frames are written to the connection under the HTTP layer"),
                "parley.ws.direct-write=false must keep the raw-frame write");
    }
}
