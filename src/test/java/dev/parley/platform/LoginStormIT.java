package dev.parley.platform;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.MicroProcess;
import dev.parley.support.RestCalls;
import dev.parley.support.Subscribed;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 200 attacker connections send wrong-password logins, all at once, every second for 8 s, while another user chats, against a
 * server with the shipped login limits (the Arquillian servers raise the per-address limit: all
 * test clients share 127.0.0.1). The flood is refused cheaply (429 per address, 503 when the
 * hashing line is full), so the chat stays fast and no socket is closed; and a real login works
 * once the flood is over.
 */
@ExtendWith(TestDatabase.class)
class LoginStormIT {

    static final int WAVES = 8;
    static final int PER_WAVE = 200;
    static final int CHAT_MESSAGES = 100;
    /**
     * Before the login limits the chat's p99 was 13-37 s in this test. On this project's 2-core
     * machines, where the 200 attacker threads share the cores with the server, every wave of
     * 200 refusals still costs the chat one burst of 150-350 ms (p50 about 30 ms), and on a
     * slower machine of the same kind the p99 ran 497-721 ms, with or without the fan-out
     * changes (2026-12-02, two runs each; 600 ms failed a clean CI run once). The bound leaves
     * room for that, and still fails on any starvation: ten times below what it was.
     */
    static final long CHAT_P99_MILLIS = 1_500;

    @Test
    void aLoginStormDoesNotStarveTheChat() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "storm-data");
        List<String> shippedLimits = List.of(
                "-Dparley.ratelimit.auth.per-address.capacity=200", "-Dparley.ratelimit.auth.per-address.per-second=1");
        try (MicroProcess server = MicroProcess.start(data, build.resolve("login-storm-it.log"), shippedLimits)) {
            Api api = server.api();
            List<User> users = RestCalls.register(api, "chatter", "reader");
            User chatter = users.get(0);
            long room = new RestCalls(api).publicRoom(chatter, users.get(1));
            try (ChatClient chat = inRoom(api, chatter, room);
                    ChatClient reader = inRoom(api, users.get(1), room)) {
                stormWhileChatting(api, chat, reader);
            }
            // the flood is over: the address's allowance refills and a real login goes through
            String body = "{\"username\":\"" + chatter.name() + "\",\"password\":\"" + Users.PASSWORD + "\"}";
            await("a real login after the storm")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> api.post("/auth/login", body, null).status() == 200);
        }
    }

    private static ChatClient inRoom(Api api, User user, long room) {
        ChatClient client =
                ChatClient.to(api, "/ws/chat/" + room).bearer(user.token()).open();
        client.next("connected");
        Subscribed.read(client, room);
        return client;
    }

    private static void stormWhileChatting(Api api, ChatClient chat, ChatClient reader) throws Exception {
        // the attacker: 200 keep-alive connections on plain sockets, so that the flood's own cost on
        // this machine stays small and what is measured is the server's
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<RawLogin> connections = new ArrayList<>();
        for (int i = 0; i < PER_WAVE; i++) {
            connections.add(new RawLogin(api.base().getPort()));
        }
        ExecutorService attackers = Executors.newFixedThreadPool(PER_WAVE);
        // the attacker connects first, one attempt per connection: the measured storm is the
        // flood on a running server, not the first 200 accepts of a freshly booted one
        List<Future<Integer>> connecting = new ArrayList<>();
        for (RawLogin connection : connections) {
            connecting.add(attackers.submit(() -> connection.attempt(Users.unique("early"))));
        }
        for (Future<Integer> attempt : connecting) {
            int status = attempt.get(60, TimeUnit.SECONDS);
            assertTrue(status == 401 || status == 429 || status == 503, "an early attempt answered " + status);
        }
        AtomicInteger wave = new AtomicInteger();
        ScheduledExecutorService waves = Executors.newSingleThreadScheduledExecutor();
        waves.scheduleAtFixedRate(
                () -> {
                    if (wave.getAndIncrement() >= WAVES) {
                        return;
                    }
                    for (RawLogin connection : connections) {
                        attackers.execute(() -> statuses.computeIfAbsent(
                                        connection.attempt(Users.unique("nobody")), s -> new AtomicInteger())
                                .incrementAndGet());
                    }
                },
                0,
                1,
                TimeUnit.SECONDS);

        // one message every 80 ms for 8 s, timed from its send to its arrival back
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
        List<String> split = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        sender.scheduleAtFixedRate(
                () -> {
                    int i = next.getAndIncrement();
                    if (i < CHAT_MESSAGES) {
                        sentAt.put("storm-" + i, System.nanoTime());
                        sentAtMillis.put("storm-" + i, System.currentTimeMillis());
                        chat.trySend(frame(
                                "type", "message", "content", "during the storm " + i, "client_id", "storm-" + i));
                    }
                },
                0,
                80,
                TimeUnit.MILLISECONDS);
        List<Long> latencies = new ArrayList<>();
        try {
            for (int i = 0; i < CHAT_MESSAGES; i++) {
                JsonObject message = chat.next("message", WAIT, "ack", "presence");
                assertEquals("storm-" + i, message.getString("client_id"));
                latencies.add((System.nanoTime() - sentAt.get("storm-" + i)) / 1_000_000);
                // where the time went: before the server stored the message, or after
                long stored =
                        java.time.Instant.parse(message.getString("timestamp")).toEpochMilli();
                split.add((stored - sentAtMillis.get("storm-" + i)) + "+" + (System.currentTimeMillis() - stored));
                assertEquals(
                        "storm-" + i, reader.next("message", WAIT, "presence").getString("client_id"));
            }
            await("every wave sent").atMost(Duration.ofSeconds(30)).until(() -> wave.get() >= WAVES);
        } finally {
            waves.shutdown();
            sender.shutdown();
            attackers.shutdown();
        }
        await("every storm login answered or failed")
                .atMost(Duration.ofSeconds(120))
                .until(() ->
                        statuses.values().stream().mapToInt(AtomicInteger::get).sum() == WAVES * PER_WAVE);

        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long p99 = sorted.get(CHAT_MESSAGES * 99 / 100 - 1);
        assertTrue(
                p99 < CHAT_P99_MILLIS,
                "the chat's p99 stays under " + CHAT_P99_MILLIS + " ms during the storm: " + p99 + " ms (p50 "
                        + sorted.get(CHAT_MESSAGES / 2) + " ms; in send order, as send-to-store+store-to-arrival: "
                        + split + "); statuses "
                        + statuses);
        assertFalse(
                chat.isClosed() || reader.isClosed(),
                "no socket was closed: " + chat.closedWith() + reader.closedWith());
        connections.forEach(RawLogin::close);
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 429 || s == 503), "statuses " + statuses);
        assertTrue(
                statuses.getOrDefault(429, new AtomicInteger()).get() > WAVES * PER_WAVE / 2,
                "most of the flood was refused per address: " + statuses);
    }

    /**
     * One attacker connection: a wrong-password login as a hand-written HTTP/1.1 request on a
     * kept-alive socket to 127.0.0.1, read back to its status. A broken connection is opened
     * again; a failure counts as status 0.
     */
    static final class RawLogin implements AutoCloseable {
        private final int port;
        private Socket socket;
        private DataInputStream in;

        RawLogin(int port) {
            this.port = port;
        }

        synchronized int attempt(String username) {
            byte[] body = ("{\"username\":\"" + username + "\",\"password\":\"wrong password\"}")
                    .getBytes(StandardCharsets.UTF_8);
            String head = "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\n" + "Content-Length: " + body.length + "\r\n\r\n";
            try {
                if (socket == null) {
                    socket = new Socket("127.0.0.1", port);
                    socket.setSoTimeout(60_000);
                    in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                }
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                int status = Integer.parseInt(line().split(" ")[1]);
                long length = 0;
                boolean close = false;
                for (String header = line(); !header.isEmpty(); header = line()) {
                    String lower = header.toLowerCase(java.util.Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(header.substring(15).strip());
                    }
                    close |= lower.startsWith("connection:") && lower.contains("close");
                }
                in.skipNBytes(length);
                if (close) {
                    close();
                }
                return status;
            } catch (IOException | RuntimeException broken) {
                close();
                return 0;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public synchronized void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // gone either way
            }
            socket = null;
        }
    }
}
