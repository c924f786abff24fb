package dev.parley.platform;

import static dev.parley.support.ChatClient.WAIT;
import static dev.parley.support.ChatClient.frame;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.ChatClient;
import dev.parley.support.Deployments;
import dev.parley.support.Metrics;
import dev.parley.support.Metrics.Sample;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.SseClient;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application's metrics, as Prometheus reads them from {@code /metrics}: every metric the
 * README documents is there, and real traffic moves each by what it did.
 */
@ParleyTest
class MetricsIT {

    /** Every metric name the README lists, as it appears in the Prometheus text. */
    static final List<String> DOCUMENTED = List.of(
            "parley_connections",
            "parley_connections_open",
            "parley_messages_posted_total",
            "parley_deliveries_total",
            "parley_frames_dropped_total",
            "parley_slow_closes_total",
            "parley_ratelimited_frames_total",
            "parley_ratelimited_requests_total",
            "parley_sends_busy_total",
            "parley_resumes_total",
            "parley_replayed_messages_total",
            "parley_resumes_unrecovered_total",
            "parley_delivery_latency_seconds_bucket",
            "parley_delivery_latency_seconds_count",
            "parley_delivery_latency_seconds_sum",
            "parley_delivery_latency_seconds_max",
            "parley_outbox_depth_max",
            "parley_delivery_lag_milliseconds");

    /** Frames that may come between the ones a step waits for. */
    static final String[] SKIP = {"connected", "subscribed", "presence", "typing", "ping", "read"};

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @Test
    void trafficMovesEachDocumentedMetric() {
        Api api = new Api(url);
        RestCalls rest = new RestCalls(api);
        Metrics metrics = Metrics.of(api);
        List<User> users = RestCalls.register(api, "alice", "bob");
        User alice = users.get(0);
        User bob = users.get(1);
        long room = rest.publicRoom(alice, bob);
        ChatClient aliceSocket = open(room, alice, "");
        ChatClient bobSocket = open(room, bob, "");
        SseClient stream = SseClient.to(api, "/rooms/" + room + "/events")
                .bearer(bob.token())
                .open();
        opened.add(stream);
        ChatClient personal =
                ChatClient.to(api, "/ws/chat").bearer(alice.token()).open();
        opened.add(personal);
        personal.next("connected", WAIT, SKIP);

        List<Sample> before = metrics.application();
        for (String name : DOCUMENTED) {
            assertTrue(before.stream().anyMatch(s -> s.name().equals(name)), name + " is exported: " + before);
        }
        assertTrue(sum(before, "parley_connections_open", s -> s.has("transport", "ws_room")) >= 2, "room sockets");
        assertTrue(sum(before, "parley_connections_open", s -> s.has("transport", "ws_chat")) >= 1, "chat socket");
        assertTrue(sum(before, "parley_connections_open", s -> s.has("transport", "sse")) >= 1, "event stream");
        assertTrue(sum(before, "parley_connections", s -> true) >= 4, "all transports");

        JsonObject posted = rest.post(alice, room, "counted once");
        long seq = posted.getJsonNumber("seq").longValue();
        aliceSocket.next("message", WAIT, SKIP);
        bobSocket.next("message", WAIT, SKIP);
        stream.next("message", WAIT, SKIP);
        // three live copies: two sockets and the stream, each counted once written
        await("posted 1, delivered 3").atMost(WAIT).until(() -> {
            List<Sample> now = metrics.application();
            return delta(before, now, "parley_messages_posted_total") == 1
                    && delta(before, now, "parley_deliveries_total") == 3
                    && delta(before, now, "parley_delivery_latency_seconds_count") == 3;
        });
        List<Sample> afterPost = metrics.application();
        assertEquals(
                sum(afterPost, "parley_delivery_latency_seconds_count", s -> true),
                sum(afterPost, "parley_delivery_latency_seconds_bucket", s -> s.has("le", "+Inf")),
                "the +Inf bucket holds every sample");
        assertTrue(sum(afterPost, "parley_delivery_latency_seconds_sum", s -> true) > 0, "latency summed");

        // a resume one message back replays exactly that message
        ChatClient resumed = open(room, bob, "?since=" + (seq - 1));
        resumed.next("message", WAIT, SKIP);
        List<Sample> afterResume = metrics.application();
        assertEquals(1, delta(afterPost, afterResume, "parley_resumes_total"));
        assertEquals(1, delta(afterPost, afterResume, "parley_replayed_messages_total"));
        assertEquals(0, delta(afterPost, afterResume, "parley_resumes_unrecovered_total"));

        // the typing limit (10 at once) refuses the rest of a burst, silently
        for (int i = 0; i < 15; i++) {
            aliceSocket.send(frame("type", "typing", "is_typing", true));
        }
        // the per-name login limit (10 at once) answers 429
        String nobody = Users.unique("nobody");
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            int status = api.post(
                            "/auth/login", "{\"username\":\"" + nobody + "\",\"password\":\"wrong password\"}", null)
                    .status();
            refused += status == 429 ? 1 : 0;
        }
        int requests = refused;
        assertTrue(requests >= 1, "a login was refused for the rate limit");
        await("rate-limited frames and requests").atMost(WAIT).until(() -> {
            List<Sample> now = metrics.application();
            return delta(afterResume, now, "parley_ratelimited_frames_total") >= 1
                    && delta(afterResume, now, "parley_ratelimited_requests_total") == requests;
        });
        assertFalse(sum(metrics.application(), "parley_outbox_depth_max", s -> true) < 0, "a depth is never negative");
        // the traffic is over: once the lanes have run what it queued, nothing waits and the lag reads 0
        await("delivery lag back to 0")
                .atMost(WAIT)
                .until(() -> sum(metrics.application(), "parley_delivery_lag_milliseconds", s -> true) == 0);
    }

    private ChatClient open(long room, User user, String query) {
        ChatClient client = ChatClient.to(new Api(url), "/ws/chat/" + room + query)
                .bearer(user.token())
                .open();
        opened.add(client);
        client.next("subscribed", WAIT, SKIP);
        return client;
    }

    private static double sum(List<Sample> samples, String name, Predicate<Sample> which) {
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(which)
                .mapToDouble(Sample::value)
                .sum();
    }

    private static long delta(List<Sample> before, List<Sample> after, String name) {
        return Math.round(sum(after, name, s -> true) - sum(before, name, s -> true));
    }
}
