package dev.parley.cluster.control;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The per-user limits kept in Redis, so that they hold across the cluster: a user cannot
 * multiply them by the number of nodes. Each answer is empty when there is no cluster or Redis
 * is away: the caller then applies its local limit (fail safe: a node never lets a user past
 * the single-node limit, and never refuses everyone because Redis is gone).
 */
@ApplicationScoped
public class SharedLimits {

    private static final Logger LOG = Logger.getLogger(SharedLimits.class.getName());

    @Inject
    ClusterBus bus;

    @Inject
    RedisLink link;

    @Inject
    @ConfigProperty(name = "parley.cluster.presence-ttl", defaultValue = "PT30S")
    Duration ttl;

    // users whose count here was last written (or failed to be) and must be written again at the heartbeat
    private final Map<String, Integer> reported = new ConcurrentHashMap<>();

    /**
     * Whether the user may hold {@code heldHere} connections on this node, counting the other
     * live nodes' connections of theirs against {@code max}; if so, this node's count is recorded.
     */
    public Optional<Boolean> connections(String username, int heldHere, int max) {
        if (!bus.enabled()) {
            // one node: nothing to count elsewhere, and nothing to remember for a heartbeat
            return Optional.empty();
        }
        String user = username.toLowerCase(Locale.ROOT);
        Optional<Long> granted = script(
                LimitScripts.CONNECTIONS,
                new String[] {key("conns", user)},
                bus.node(),
                String.valueOf(max),
                bus.prefix() + ":node:",
                String.valueOf(heldHere),
                String.valueOf(ttl.toMillis() * 2));
        granted.ifPresentOrElse(
                g -> reported.put(user, g == 1 ? heldHere : heldHere - 1), () -> reported.put(user, heldHere));
        return granted.map(g -> g == 1);
    }

    /** This node now holds {@code heldHere} connections of the user (one was released). */
    public void connectionsHere(String username, int heldHere) {
        if (bus.enabled()) {
            String user = username.toLowerCase(Locale.ROOT);
            reported.put(user, heldHere);
            report(user, heldHere);
        }
    }

    /** One token from the shared bucket {@code name} of the key: 0 when taken, else nanoseconds to wait. */
    public Optional<Long> token(String name, String key, double capacity, double perSecond) {
        return bucket(name, key, capacity, perSecond, "take").map(micros -> micros * 1000);
    }

    /** Gives one token back to the shared bucket {@code name} of the key; empty when there is none to give it to. */
    public Optional<Long> giveBack(String name, String key, double capacity, double perSecond) {
        return bucket(name, key, capacity, perSecond, "give-back");
    }

    private Optional<Long> bucket(String name, String key, double capacity, double perSecond, String action) {
        if (!bus.enabled()) {
            // one node: every message and typing frame asks, so build no key or argument for nothing
            return Optional.empty();
        }
        return script(
                LimitScripts.TOKEN_BUCKET,
                new String[] {key("bucket:" + name, key)},
                String.valueOf(capacity),
                String.valueOf(perSecond),
                action);
    }

    /** On the heartbeat: this node is alive, and its connection counts are as written (again, after an outage). */
    void heartbeat() {
        StatefulRedisConnection<String, String> connection = link.commands();
        if (connection == null || !link.up()) {
            return;
        }
        try {
            connection
                    .async()
                    .set(bus.prefix() + ":node:" + bus.node(), "1", io.lettuce.core.SetArgs.Builder.px(ttl.toMillis()));
        } catch (RedisException away) {
            return;
        }
        reported.forEach((user, held) -> {
            report(user, held);
            if (held <= 0) {
                reported.remove(user, held);
            }
        });
    }

    // without waiting: a close must not wait on Redis; a lost report is written again at the heartbeat
    private void report(String user, int held) {
        StatefulRedisConnection<String, String> connection = link.commands();
        if (connection == null || !link.up()) {
            return;
        }
        try {
            connection
                    .async()
                    .eval(
                            LimitScripts.REPORT,
                            ScriptOutputType.INTEGER,
                            new String[] {key("conns", user)},
                            bus.node(),
                            String.valueOf(held),
                            String.valueOf(ttl.toMillis() * 2));
        } catch (RedisException away) {
            LOG.log(
                    Level.FINE,
                    "a connection count could not be written to Redis; the heartbeat writes it again",
                    away);
        }
    }

    private String key(String kind, String id) {
        return bus.prefix() + ":" + kind + ":" + id;
    }

    private Optional<Long> script(String script, String[] keys, String... args) {
        StatefulRedisConnection<String, String> connection = link.commands();
        if (!bus.enabled() || connection == null || !link.up()) {
            return Optional.empty();
        }
        try {
            Long result = connection.sync().eval(script, ScriptOutputType.INTEGER, keys, args);
            return Optional.ofNullable(result);
        } catch (RedisException away) {
            LOG.log(Level.FINE, "a shared limit could not be read from Redis; the local one applies", away);
            return Optional.empty();
        }
    }
}
