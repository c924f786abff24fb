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
 * Pings every connection (a WebSocket ping, an SSE comment) and closes sockets not heard from
 * within the idle timeout, so a dead peer leaves presence and frees its outbox and its slot.
 */
@ApplicationScoped
public class Liveness {

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
        heartbeat = threads.every(this::heartbeat, pingInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        heartbeat.cancel(false);
    }

    private void heartbeat() {
        cap.sweep();
        long idle = idleTimeout.toNanos();
        for (Connection c : registry.all()) {
            if (c.transport().hearsBack() && c.silentNanos() > idle) {
                // the container's close callback may wait for a write stuck on the dead peer:
                // aside, so that the other connections' pings never wait behind it
                threads.closeAside(() -> {
                    c.close(1001, "idle timeout");
                    registry.unregister(c, false);
                });
            } else {
                c.ping();
            }
        }
    }
}
