package dev.parley.cluster.control;

import dev.parley.realtime.control.DeliveryThreads;
import dev.parley.realtime.control.LocalDelivery;
import dev.parley.realtime.control.RoomEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cluster mode: every room event committed here goes to the other nodes through one Redis
 * channel, and theirs come to this node's connections through the same {@link LocalDelivery}
 * as its own. Without {@code parley.redis.uri} this bean does nothing and Redis is never touched.
 */
@ApplicationScoped
public class ClusterBus {

    private static final Logger LOG = Logger.getLogger(ClusterBus.class.getName());

    @Inject
    @ConfigProperty(name = "parley.redis.uri")
    Optional<String> uri;

    // keys and channels start with it: several clusters (or test runs) can share one Redis
    @Inject
    @ConfigProperty(name = "parley.redis.prefix", defaultValue = "parley")
    String prefix;

    @Inject
    @ConfigProperty(name = "parley.redis.timeout", defaultValue = "PT2S")
    Duration timeout;

    @Inject
    @ConfigProperty(name = "parley.cluster.catch-up-interval", defaultValue = "PT2S")
    Duration catchUpInterval;

    @Inject
    RedisLink link;

    @Inject
    SharedDatabase database;

    @Inject
    LocalDelivery local;

    @Inject
    CatchUp catchUp;

    @Inject
    ClusterPresence presence;

    @Inject
    SharedLimits limits;

    @Inject
    DeliveryThreads threads;

    private final String node = UUID.randomUUID().toString();
    private ScheduledFuture<?> ticks;
    private final AtomicBoolean ticking = new AtomicBoolean();
    private boolean unreachableLogged;

    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        if (!enabled()) {
            return;
        }
        database.requireShared();
        // parse and encode once here, on a container thread: the JSON provider is found with its class loader
        BusNote.parse(BusNote.of(node, new RoomEvent.Left(0, "-", false)).json());
        LOG.info(() -> "cluster mode: node " + node + ", Redis prefix " + prefix);
        connect();
        // the tick waits on Redis and the database: beside the timer, never on it, and never two at once
        ticks = threads.every(
                () -> {
                    if (ticking.compareAndSet(false, true)) {
                        threads.aside(() -> {
                            try {
                                tick();
                            } finally {
                                ticking.set(false);
                            }
                        });
                    }
                },
                catchUpInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticks != null) {
            ticks.cancel(false);
        }
    }

    public boolean enabled() {
        return uri.filter(u -> !u.isBlank()).isPresent();
    }

    public String node() {
        return node;
    }

    String prefix() {
        return prefix;
    }

    /** A committed event of this node, for the others; this node has delivered it itself. */
    public void publish(RoomEvent event) {
        if (enabled()) {
            link.publish(channel(), BusNote.of(node, event).json());
        }
    }

    void typed(@Observes RoomEvent.Typing typing) {
        publish(typing);
    }

    private void received(String message) {
        try {
            BusNote note = BusNote.parse(message);
            if (!node.equals(note.node())) {
                note.event().ifPresent(local::deliver);
            }
        } catch (RuntimeException unreadable) {
            LOG.log(Level.WARNING, "an unreadable message on the cluster channel was skipped", unreadable);
        }
    }

    private void tick() {
        if (!link.isOpen()) {
            connect();
        }
        catchUp.check(false);
        presence.tick();
        limits.heartbeat();
    }

    private void connect() {
        try {
            link.open(
                    uri.orElseThrow(),
                    timeout,
                    Map.of(channel(), this::received, presence.channel(), presence::received),
                    () -> threads.schedule(this::reconnected, 0, TimeUnit.MILLISECONDS));
            unreachableLogged = false;
            reconnected();
        } catch (RuntimeException unreachable) {
            // once, not at every tick of the retry
            LOG.log(
                    unreachableLogged ? Level.FINE : Level.WARNING,
                    () -> "Redis at the configured parley.redis.uri is not " + "reachable (" + unreachable.getMessage()
                            + "); serving this node's connections, trying again every tick");
            unreachableLogged = true;
        }
    }

    // what this node missed while away is in the database; what the others missed of its presence, it tells them
    private void reconnected() {
        catchUp.check(true);
        Instant lost = link.lostAt();
        if (lost != null) {
            // a drop can be noticed late (a dead peer is found by the timeout): look back past it
            catchUp.replayChanges(lost.minus(timeout).minus(catchUpInterval));
        }
        presence.announce();
    }

    private String channel() {
        return prefix + ":events";
    }
}
