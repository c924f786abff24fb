package dev.parley.realtime;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The torture test: fifty sockets in one room, all sending at once. Every socket must see every
 * message exactly once, in seq order, and every sender an ack for each of its messages. A class of
 * its own, so that its fifty users and thousand messages do not weigh on the other tests' server.
 */
@ParleyTest
class FanoutIT {

    static final int CLIENTS = 50;
    static final int MESSAGES_EACH = 20;
    static final int TOTAL = CLIENTS * MESSAGES_EACH;
    static final Duration BUDGET = Duration.ofSeconds(120);
    private static final System.Logger LOG = System.getLogger(FanoutIT.class.getName());

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void closeSockets() {
        clients.forEach(ChatClient::close);
    }

    /** What one socket saw: the message frames in arrival order, and its acks by client_id. */
    record Delivery(List<JsonObject> messages, Map<String, JsonObject> acks) {}

    @Test
    void fiftyClientsEachReceiveAllThousandMessagesOnceAndInOrder() throws Exception {
        Api api = new Api(url);
        List<User> users = RestCalls.register(api, Collections.nCopies(CLIENTS, "fan"));
        long room = RestCalls.createRoom(api, users.get(0), "{\"name\":\"Fan-out\"}", users.subList(1, CLIENTS));
        for (User user : users) {
            ChatClient client =
                    ChatClient.to(api, "/ws/chat/" + room).bearer(user.token()).open();
            clients.add(client);
            assertEquals(
                    user.name(), client.next("connected").getJsonObject("user").getString("username"));
            JsonObject subscribed = client.next("subscribed", WAIT, "presence");
            assertEquals(0, subscribed.getInt("last_seq"), subscribed::toString);
        }

        ExecutorService senders = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sending = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                ChatClient client = clients.get(i);
                int sender = i;
                sending.add(senders.submit(() -> {
                    go.await();
                    for (int k = 0; k < MESSAGES_EACH; k++) {
                        client.send(frame(
                                "type",
                                "message",
                                "room_id",
                                room,
                                "content",
                                "message " + k + " of sender " + sender,
                                "client_id",
                                clientId(sender, k)));
                    }
                    return null;
                }));
            }
            long started = System.nanoTime();
            long deadline = started + BUDGET.toNanos();
            go.countDown();
            for (Future<?> send : sending) {
                send.get(left(deadline).toMillis(), TimeUnit.MILLISECONDS);
            }

            List<Delivery> deliveries = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                deliveries.add(collect(i, deadline));
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.log(
                    System.Logger.Level.INFO,
                    CLIENTS + " clients x " + MESSAGES_EACH + " messages: all " + TOTAL
                            + " message frames reached each of the " + CLIENTS
                            + " sockets, and every ack its sender, in " + millis + " ms");

            verify(deliveries);
            var stored = api.get("/rooms/" + room, users.get(0).token());
            assertEquals(TOTAL, stored.json().getInt("last_seq"), stored::toString);
        } finally {
            senders.shutdownNow();
        }
    }

    /** Takes client {@code i}'s frames until it has every message and its own acks; seqs must rise. */
    Delivery collect(int i, long deadline) {
        ChatClient client = clients.get(i);
        List<JsonObject> messages = new ArrayList<>();
        Map<String, JsonObject> acks = new LinkedHashMap<>();
        long lastSeq = 0;
        while (messages.size() < TOTAL || acks.size() < MESSAGES_EACH) {
            JsonObject frame;
            try {
                frame = client.next(left(deadline));
            } catch (AssertionError late) {
                Set<Long> seen = messages.stream()
                        .map(m -> m.getJsonNumber("seq").longValue())
                        .collect(Collectors.toSet());
                List<Long> missing = LongStream.rangeClosed(1, TOTAL)
                        .filter(seq -> !seen.contains(seq))
                        .limit(20)
                        .boxed()
                        .toList();
                throw new AssertionError(
                        "client " + i + " had " + messages.size() + " of " + TOTAL + " messages and "
                                + acks.size() + " of " + MESSAGES_EACH + " acks when the " + BUDGET
                                + " ran out; missing seqs "
                                + missing + ", connection "
                                + client.closedWith().map(Object::toString).orElse("still open")
                                + "; errors waiting on any socket: " + errorsWaiting() + "; closed sockets: "
                                + closedSockets(),
                        late);
            }
            switch (ChatClient.type(frame)) {
                case "message" -> {
                    long seq = frame.getJsonNumber("seq").longValue();
                    assertTrue(
                            seq > lastSeq,
                            "client " + i + ": seq " + seq + " after seq " + lastSeq + " (" + messages.size()
                                    + " messages so far)");
                    lastSeq = seq;
                    messages.add(frame);
                }
                case "ack" -> {
                    String clientId = frame.getString("client_id");
                    assertTrue(clientId.startsWith("s" + i + "-"), "client " + i + " got another's ack: " + frame);
                    assertNull(acks.put(clientId, frame), "client " + i + ": a second ack for " + clientId);
                }
                case "presence" -> {
                    // the later clients' joins, from while the room filled up
                }
                default -> throw new AssertionError("client " + i + ": unexpected frame " + frame);
            }
        }
        // fence: nothing more than the thousand messages and twenty acks is on its way
        for (JsonObject late : client.fence()) {
            assertEquals("presence", ChatClient.type(late), "client " + i + ": more than expected: " + late);
        }
        return new Delivery(messages, acks);
    }

    /** For a failure message: a send the server refused shows up as an error frame on its sender's socket. */
    List<JsonObject> errorsWaiting() {
        return clients.stream()
                .flatMap(c -> c.drain().stream())
                .filter(f -> "error".equals(ChatClient.type(f)))
                .limit(10)
                .toList();
    }

    Map<Integer, ChatClient.Closure> closedSockets() {
        Map<Integer, ChatClient.Closure> closed = new LinkedHashMap<>();
        for (int i = 0; i < clients.size(); i++) {
            int at = i;
            clients.get(i).closedWith().ifPresent(closure -> closed.put(at, closure));
        }
        return closed;
    }

    void verify(List<Delivery> deliveries) {
        List<Long> everySeq = LongStream.rangeClosed(1, TOTAL).boxed().toList();
        List<String> clientIdsBySeq = clientIds(deliveries.get(0).messages());
        Set<String> sent = IntStream.range(0, CLIENTS)
                .boxed()
                .flatMap(i -> IntStream.range(0, MESSAGES_EACH).mapToObj(k -> clientId(i, k)))
                .collect(Collectors.toSet());
        assertEquals(sent, Set.copyOf(clientIdsBySeq), "every message sent was delivered, each once");

        for (int i = 0; i < CLIENTS; i++) {
            Delivery delivery = deliveries.get(i);
            List<JsonObject> messages = delivery.messages();
            assertEquals(
                    everySeq,
                    messages.stream()
                            .map(m -> m.getJsonNumber("seq").longValue())
                            .toList(),
                    "client " + i + " saw seqs 1.." + TOTAL);
            assertEquals(clientIdsBySeq, clientIds(messages), "client " + i + " saw the same message at each seq");

            Map<String, Long> ownSeqs = new LinkedHashMap<>();
            for (JsonObject m : messages) {
                String clientId = m.getString("client_id");
                assertEquals(
                        "message " + clientId.substring(clientId.indexOf('-') + 1) + " of sender "
                                + clientId.substring(1, clientId.indexOf('-')),
                        m.getString("content"),
                        m::toString);
                if (clientId.startsWith("s" + i + "-")) {
                    ownSeqs.put(clientId, m.getJsonNumber("seq").longValue());
                }
            }
            assertEquals(MESSAGES_EACH, delivery.acks().size());
            for (var ack : delivery.acks().entrySet()) {
                assertFalse(ack.getValue().getBoolean("duplicate"), ack::toString);
                assertEquals(
                        ownSeqs.get(ack.getKey()),
                        ack.getValue().getJsonNumber("seq").longValue(),
                        "client " + i + ": the ack's seq is the seq its message was delivered with: " + ack);
            }
        }
    }

    static List<String> clientIds(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getString("client_id")).toList();
    }

    static String clientId(int sender, int k) {
        return "s" + sender + "-" + k;
    }

    static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
