package dev.parley.realtime.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Pings connections (a WebSocket ping, an SSE comment) and closes sockets not heard from within
 * the idle timeout, so a dead peer leaves presence and frees its outbox and its slot.
 * <p>
 * A socket heard from within the ping interval needs no ping: any frame proves the peer is there.
 * The others are pinged at their own moment, not all in one round: each connection's interval
 * is stretched by a fixed share of up to a quarter, so the pings, and the pongs that answer
 * them, spread over the interval. An answer is not free (on Payara every incoming frame costs
 * about 0.2 ms of container work, docs/performance.md); ten thousand pongs arriving
 * at once would stall every other socket for seconds.
 */
@ApplicationScoped
public class Liveness {

    static final int TICKS_PER_INTERVAL = 5;

    @Inject
    DeliveryThreads threads;

    @Inject
    SessionRegistry registry;

    @Inject
    ConnectionCap cap;

    @Inject
    @ConfigProperty(name = "parley.ws.ping-interval", defaultValue = "PT25S")
    Duration pingInterval;

    @Inject
    @ConfigProperty(name = "parley.ws.idle-timeout", defaultValue = "PT60S")
    Duration idleTimeout;

    private ScheduledFuture<?> heartbeat;

    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // observing start-up makes the bean (and its schedule) exist before the first connection
    }

    @PostConstruct
    void start() {
        long tick = Math.max(1, pingInterval.toMillis() / TICKS_PER_INTERVAL);
        heartbeat = threads.every(this::heartbeat, tick, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        heartbeat.cancel(false);
    }

    private void heartbeat() {
        cap.sweep();
        long idle = idleTimeout.toNanos();
        long now = System.nanoTime();
        for (Connection c : registry.all()) {
            boolean hearsBack = c.transport().hearsBack();
            if (hearsBack && c.silentNanos() > idle) {
                // the container's close callback may wait for a write stuck on the dead peer:
                // aside, so that the other connections' pings never wait behind it
                threads.closeAside(() -> {
                    c.close(1001, "idle timeout");
                    registry.unregister(c, false);
                });
            } else if (duePing(c, hearsBack, now)) {
                c.ping();
            }
        }
    }

    private boolean duePing(Connection c, boolean hearsBack, long now) {
        long interval = stretched(pingInterval.toNanos(), idleTimeout.toNanos(), c.id());
        // an SSE stream never answers: its comment keeps proxies from closing it and finds a broken pipe
        boolean silent = !hearsBack || c.silentNanos() >= interval;
        return silent && now - c.lastPinged() >= interval;
    }

    /**
     * The interval plus this connection's fixed share of up to a quarter of it, never so much
     * that a live peer's answer could come after the idle timeout.
     */
    static long stretched(long interval, long idleTimeout, String connectionId) {
        long tick = interval / TICKS_PER_INTERVAL;
        long room = Math.max(0, Math.min(interval / 4, idleTimeout - interval - 2 * tick));
        return interval + Math.floorMod(connectionId.hashCode(), 1024) * room / 1024;
    }
}
