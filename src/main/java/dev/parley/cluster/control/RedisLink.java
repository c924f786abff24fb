package dev.parley.cluster.control;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's two connections to Redis: one subscribed to the cluster's channel, one for commands
 * (a subscribed connection may not publish). Lettuce reconnects by itself and subscribes again;
 * while it is away, commands fail at once instead of queueing, so nothing waits on Redis.
 * Lettuce calls back on its own threads: the consumers given here only parse and hand over.
 */
@ApplicationScoped
public class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());

    private RedisClient client;
    private StatefulRedisPubSubConnection<String, String> subscribed;
    private StatefulRedisConnection<String, String> commands;
    private volatile boolean down = true;
    // when the subscription last dropped: the start of what the other nodes' changes may have missed
    private volatile Instant lostAt;

    /**
     * Connects and subscribes to the channels, each message going to its channel's consumer;
     * {@code reconnected} runs each time the subscription comes back after Redis was away. Throws
     * when Redis cannot be reached now (the caller tries again later).
     */
    synchronized void open(String uri, Duration timeout, Map<String, Consumer<String>> channels, Runnable reconnected) {
        if (client == null) {
            RedisURI target = RedisURI.create(uri);
            target.setTimeout(timeout);
            client = RedisClient.create(target);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .build());
            client.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                    if (connection == subscribed && down) {
                        down = false;
                        LOG.info(
                                "Redis is back: cross-node delivery resumes, missed messages are read from the database");
                        reconnected.run();
                    }
                }

                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                    if (connection == subscribed && !down) {
                        down = true;
                        lostAt = Instant.now();
                        LOG.warning("Redis is away: this node serves its own connections; cross-node delivery pauses");
                    }
                }
            });
        }
        if (commands == null) {
            commands = client.connect();
        }
        if (subscribed == null) {
            StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Consumer<String> received = channels.get(channel);
                    if (received != null) {
                        received.accept(message);
                    }
                }
            });
            connection.sync().subscribe(channels.keySet().toArray(String[]::new));
            subscribed = connection;
            down = false;
            LOG.info("connected to Redis; cluster channels " + channels.keySet());
        }
    }

    synchronized boolean isOpen() {
        return subscribed != null;
    }

    /** When the subscription last dropped, or null if it never did. */
    Instant lostAt() {
        return lostAt;
    }

    /** Up: subscribed and connected now. */
    public boolean up() {
        return !down;
    }

    /** Sends without waiting; while Redis is away the message is lost (the database has it). */
    void publish(String channel, String message) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down) {
            return;
        }
        try {
            connection.async().publish(channel, message).exceptionally(failed -> {
                LOG.log(Level.FINE, "a publish to Redis failed", failed);
                return 0L;
            });
        } catch (RedisException failed) {
            LOG.log(Level.FINE, "a publish to Redis failed", failed);
        }
    }

    /** The command connection, for the shared state; null before the first connect. */
    StatefulRedisConnection<String, String> commands() {
        return commands;
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
