package dev.parley.support;

import static dev.parley.support.ChatClient.frame;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts messages over REST the way a well-behaved client does under the per-user rate limit: a
 * 429 is retried after its {@code Retry-After}, with the same {@code client_id}, so a retry can
 * never store a message twice. Every retry is bounded.
 */
public final class Posting {

    /** The longest one message may take, retries included. */
    public static final Duration BUDGET = Duration.ofSeconds(60);

    private Posting() {}

    /** The stored message, and how many 429s it took to get there. */
    public record Posted(JsonObject message, int status, int refusals) {

        public long seq() {
            return message.getJsonNumber("seq").longValue();
        }
    }

    /** One attempt, no retry. */
    public static Api.Reply attempt(Api api, Users.User sender, long room, String content, String clientId) {
        JsonObject body =
                clientId == null ? frame("content", content) : frame("content", content, "client_id", clientId);
        return api.post("/rooms/" + room + "/messages", body.toString(), sender.token());
    }

    /** Posts until stored (201, or 200 for a repeat of a {@code client_id} that already got through). */
    public static Posted post(Api api, Users.User sender, long room, String content, String clientId) {
        AtomicReference<Api.Reply> reply = new AtomicReference<>(attempt(api, sender, room, content, clientId));
        AtomicInteger refusals = new AtomicInteger();
        while (reply.get().status() == 429) {
            refusals.incrementAndGet();
            Duration retryAfter = Duration.ofSeconds(assertRateLimited(reply.get()));
            await(sender.name() + " posting " + clientId + " again after Retry-After " + retryAfter.toSeconds() + " s")
                    .atMost(BUDGET)
                    .pollDelay(retryAfter)
                    .pollInterval(retryAfter)
                    .until(() -> {
                        reply.set(attempt(api, sender, room, content, clientId));
                        if (reply.get().status() == 429) {
                            refusals.incrementAndGet();
                            return false;
                        }
                        return true;
                    });
        }
        Api.Reply done = reply.get();
        assertTrue(done.status() == 201 || (clientId != null && done.status() == 200), done::toString);
        return new Posted(done.json(), done.status(), refusals.get());
    }

    /**
     * Checks a 429: problem+json with code {@code rate_limited} and a {@code Retry-After} of whole
     * seconds, at least one. Returns the seconds.
     */
    public static long assertRateLimited(Api.Reply reply) {
        assertEquals(429, reply.status(), reply::toString);
        assertEquals("application/problem+json", reply.contentType(), reply::toString);
        JsonObject problem = reply.json();
        assertEquals(429, problem.getInt("status"), reply::toString);
        assertEquals("rate_limited", problem.getString("code", null), reply::toString);
        String retryAfter = reply.header("Retry-After")
                .orElseThrow(() -> new AssertionError("a 429 without Retry-After: " + reply));
        assertTrue(retryAfter.strip().matches("\\d+"), "Retry-After in whole seconds: " + retryAfter);
        long seconds = Long.parseLong(retryAfter.strip());
        assertTrue(seconds >= 1, "Retry-After at least 1 s: " + retryAfter);
        assertTrue(seconds <= 60, "a Retry-After a client can honour (at most 60 s): " + retryAfter);
        return seconds;
    }
}
