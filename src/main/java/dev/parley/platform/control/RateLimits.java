package dev.parley.platform.control;

import dev.parley.cluster.control.SharedLimits;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
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

    // a reply costs the model server far more than a message costs Parley
    @Inject
    @ConfigProperty(name = "parley.ratelimit.assistant.capacity", defaultValue = "5")
    double assistantCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.assistant.per-second", defaultValue = "0.05")
    double assistantPerSecond;

    // a room made, joined or left is announced to other people's sockets, and every public room is
    // listed to everyone: unbounded, one account could fill every user's room list
    @Inject
    @ConfigProperty(name = "parley.ratelimit.rooms.capacity", defaultValue = "30")
    double roomsCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.rooms.per-second", defaultValue = "0.5")
    double roomsPerSecond;

    // a socket's subscribe or unsubscribe may announce its user to everyone in the room: a loop of
    // them would make each frame a frame for every member
    @Inject
    @ConfigProperty(name = "parley.ratelimit.subscriptions.capacity", defaultValue = "1000")
    double subscriptionsCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.subscriptions.per-second", defaultValue = "20")
    double subscriptionsPerSecond;

    // a refresh signs a token and a logout keeps a revocation until the token's expiry, checked by
    // every request and read again by every node: a loop of them would grow that without bound
    @Inject
    @ConfigProperty(name = "parley.ratelimit.tokens.capacity", defaultValue = "10")
    double tokensCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.tokens.per-second", defaultValue = "0.1")
    double tokensPerSecond;

    // a read marker that moves is announced to every member of the room, one step at a time if the
    // client likes: without a bound, a long history would make each frame a frame for every member
    @Inject
    @ConfigProperty(name = "parley.ratelimit.reads.capacity", defaultValue = "100")
    double readsCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.reads.per-second", defaultValue = "10")
    double readsPerSecond;

    // a user's arrival or departure is announced in every room they follow: a socket opened and
    // closed in a loop by a member of many rooms would otherwise make each handshake a frame for
    // every member of every one of them
    @Inject
    @ConfigProperty(name = "parley.ratelimit.presence.capacity", defaultValue = "500")
    double presenceCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.presence.per-second", defaultValue = "5")
    double presencePerSecond;

    // every REST request costs the node its container work and often a query, whatever it asks:
    // history pages and room lists had no bound at all
    @Inject
    @ConfigProperty(name = "parley.ratelimit.requests.capacity", defaultValue = "600")
    double requestsCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.requests.per-second", defaultValue = "50")
    double requestsPerSecond;

    // logins and registrations cost a deliberately slow password hash: bounded per client and per name
    @Inject
    @ConfigProperty(name = "parley.ratelimit.auth.per-address.capacity", defaultValue = "200")
    double authAddressCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.auth.per-address.per-second", defaultValue = "1")
    double authAddressPerSecond;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.auth.per-username.capacity", defaultValue = "10")
    double authUserCapacity;

    @Inject
    @ConfigProperty(name = "parley.ratelimit.auth.per-username.per-second", defaultValue = "0.1")
    double authUserPerSecond;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Map<String, TokenBucket> messages = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> typing = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> assistant = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> authByAddress = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> authByUser = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> authByDevice = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> roomChanges = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> tokenChanges = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> reads = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> presence = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> requests = new ConcurrentHashMap<>();
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

    @Inject
    SharedLimits shared;

    /** One message; refused with 429 and the seconds to wait when over the limit. */
    public void takeMessage(String username) {
        take(messages, "messages", username.toLowerCase(Locale.ROOT), messageCapacity, messagesPerSecond);
    }

    /** One subscribe or unsubscribe frame, across the user's sockets; refused over the limit. */
    public void takeSubscription(String username) {
        take(
                subscriptions,
                "subscriptions",
                username.toLowerCase(Locale.ROOT),
                subscriptionsCapacity,
                subscriptionsPerSecond);
    }

    /** One token refreshed or logged out; refused with 429 over the limit. */
    public void takeTokenChange(String username) {
        take(tokenChanges, "tokens", username.toLowerCase(Locale.ROOT), tokensCapacity, tokensPerSecond);
    }

    /** One read marker moved (or asked to), over REST or a socket; refused with 429 over the limit. */
    public void takeRead(String username) {
        take(reads, "reads", username.toLowerCase(Locale.ROOT), readsCapacity, readsPerSecond);
    }

    /**
     * One announcement of the user arriving in or leaving a room, on this node; false when over
     * the limit (the caller announces later). Always this node's own bucket: each node announces
     * to its own subscribers, and this is asked under a room's lock, where Redis has no place.
     */
    public boolean takePresence(String username) {
        return takeHere(presence, username.toLowerCase(Locale.ROOT), presenceCapacity, presencePerSecond) == 0;
    }

    /**
     * One authenticated REST request; refused with 429 over the limit. This node's own bucket:
     * asking Redis would add a round trip to every request, and each node's allowance bounds
     * that node's work, which is what it is for.
     */
    public void takeRequest(String username) {
        long wait = takeHere(requests, username.toLowerCase(Locale.ROOT), requestsCapacity, requestsPerSecond);
        if (wait > 0) {
            throw Refusal.rateLimitedFor(wait);
        }
    }

    /** One room created, joined or left, or one member added; refused with 429 over the limit. */
    public void takeRoomChange(String username) {
        take(roomChanges, "rooms", username.toLowerCase(Locale.ROOT), roomsCapacity, roomsPerSecond);
    }

    /**
     * One login or registration attempt from this client address; refused with 429 before the
     * request reaches anything costly. Checked first, so that a flood of made-up names from one
     * client cannot grow the per-name table.
     */
    public void takeAuthAttempt(String address) {
        take(authByAddress, "auth-address", address, authAddressCapacity, authAddressPerSecond);
    }

    /** One login or registration attempt for this username, whatever its case; refused with 429 before any hash. */
    public void takeAuthFor(String username) {
        take(authByUser, "auth-user", username.toLowerCase(Locale.ROOT), authUserCapacity, authUserPerSecond);
    }

    /**
     * The attempt for this username succeeded: its token comes back. The limit is there to slow
     * down guessing, and counting only failures keeps a user who signs in right, on one device
     * after another, from being refused for it.
     */
    public void succeededFor(String username) {
        giveBack(authByUser, "auth-user", username.toLowerCase(Locale.ROOT));
    }

    /**
     * One login attempt that brought a device proof for its username: charged to that device
     * instead of the username, so a guesser running the username's attempts down does not lock out
     * a device the user signed in on before. As many attempts per device as per username.
     */
    public void takeAuthForDevice(String deviceId) {
        take(authByDevice, "auth-device", deviceId, authUserCapacity, authUserPerSecond);
    }

    public void succeededForDevice(String deviceId) {
        giveBack(authByDevice, "auth-device", deviceId);
    }

    private void giveBack(Map<String, TokenBucket> buckets, String name, String key) {
        if (shared.giveBack(name, key, authUserCapacity, authUserPerSecond).isEmpty()) {
            TokenBucket bucket = buckets.get(key);
            if (bucket != null) {
                bucket.giveBack(System.nanoTime());
            }
        }
    }

    private void take(Map<String, TokenBucket> buckets, String name, String key, double capacity, double perSecond) {
        long wait = wait(buckets, name, key, capacity, perSecond);
        if (wait > 0) {
            throw Refusal.rateLimitedFor(wait);
        }
    }

    /** One typing frame; false when over the (separate, smaller) typing limit. */
    public boolean takeTyping(String username) {
        return wait(typing, "typing", username.toLowerCase(Locale.ROOT), typingCapacity, typingPerSecond) == 0;
    }

    /** One request for an assistant reply; the nanoseconds to wait when over the limit, else 0. */
    public long takeAssistant(String username) {
        return wait(assistant, "assistant", username.toLowerCase(Locale.ROOT), assistantCapacity, assistantPerSecond);
    }

    // in a cluster the bucket is one in Redis for every node; without Redis, this node's own
    private long wait(Map<String, TokenBucket> buckets, String name, String key, double capacity, double perSecond) {
        return shared.token(name, key, capacity, perSecond)
                .orElseGet(() -> takeHere(buckets, key, capacity, perSecond));
    }

    private static long takeHere(Map<String, TokenBucket> buckets, String key, double capacity, double perSecond) {
        long now = System.nanoTime();
        return buckets.computeIfAbsent(key, k -> new TokenBucket(capacity, perSecond, now))
                .take(now);
    }

    private void forgetIdle() {
        long now = System.nanoTime();
        for (Map<String, TokenBucket> buckets : List.of(
                messages,
                typing,
                assistant,
                authByAddress,
                authByUser,
                authByDevice,
                roomChanges,
                subscriptions,
                tokenChanges,
                reads,
                presence,
                requests)) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
    }
}
