package dev.parley.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-user limits, shared by every socket and REST call of the user. The defaults let an
 * ordinary client send a burst of 50 messages; sustained floods are refused.
 */
@ApplicationScoped
public class RateLimits {

    @Inject
    @ConfigProperty(name = "parley.ratelimit.messages.capacity", defaultValue = "60")
    double messageCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.messages.per-second", defaultValue = "10")
    double messagesPerSecond;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.typing.capacity", defaultValue = "10")
    double typingCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.typing.per-second", defaultValue = "2")
    double typingPerSecond;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Map<String, TokenBucket> messages = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> typing = new ConcurrentHashMap<>();
    private ScheduledFuture<?> sweeper;

    @PostConstruct
    void start() {
        // a full bucket is the same as none: forgetting it keeps memory bounded by active users
        sweeper = scheduler.scheduleAtFixedRate(this::forgetIdle, 1, 1, TimeUnit.MINUTES);
    }

    @PreDestroy
    void stop() {
        sweeper.cancel(false);
    }

    /** One message; refused with 429 and the seconds to wait when over the limit. */
    public void takeMessage(String username) {
        long now = System.nanoTime();
        long wait = messages.computeIfAbsent(username, u -> new TokenBucket(messageCapacity, messagesPerSecond, now))
                .take(now);
        if (wait > 0) {
            throw Refusal.rateLimited(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L)));
        }
    }

    /** One typing frame; false when over the (separate, smaller) typing limit. */
    public boolean takeTyping(String username) {
        long now = System.nanoTime();
        return typing.computeIfAbsent(username, u -> new TokenBucket(typingCapacity, typingPerSecond, now)).take(now) == 0;
    }

    private void forgetIdle() {
        long now = System.nanoTime();
        messages.values().removeIf(bucket -> bucket.isFull(now));
        typing.values().removeIf(bucket -> bucket.isFull(now));
    }
}
