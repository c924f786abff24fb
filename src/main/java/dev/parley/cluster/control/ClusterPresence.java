package dev.parley.cluster.control;

import dev.parley.realtime.control.DeliveryThreads;
import dev.parley.realtime.control.LocalPresence;
import dev.parley.realtime.control.PresenceBook;
import dev.parley.realtime.control.SessionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Presence across nodes. Each node announces its own changes as they happen and, every
 * heartbeat, a snapshot of all its presence; the others keep it in their {@link PresenceBook}
 * and forget a node not heard from for the TTL. So a node that dies takes its users offline
 * everywhere within TTL + the catch-up interval (30 s + 2 s by default), and a lost change is
 * corrected by the next snapshot.
 */
@ApplicationScoped
public class ClusterPresence {

    private static final Logger LOG = Logger.getLogger(ClusterPresence.class.getName());

    @Inject
    @ConfigProperty(name = "parley.cluster.presence-heartbeat", defaultValue = "PT10S")
    Duration heartbeat;

    // at most 90 s (the documented bound); keep it a few heartbeats long so one lost snapshot does not matter
    @Inject
    @ConfigProperty(name = "parley.cluster.presence-ttl", defaultValue = "PT30S")
    Duration ttl;

    @Inject
    ClusterBus bus;

    @Inject
    RedisLink link;

    @Inject
    SessionRegistry registry;

    @Inject
    PresenceBook book;

    @Inject
    DeliveryThreads threads;

    private long lastSnapshot;

    void here(@Observes LocalPresence change) {
        if (bus.enabled()) {
            link.publish(
                    channel(),
                    PresenceNote.change(bus.node(), change.roomId(), change.username(), change.online())
                            .json());
        }
    }

    /** On the cluster's timer: a snapshot when a heartbeat is due, and forgetting silent nodes. */
    void tick() {
        if (System.nanoTime() - lastSnapshot >= heartbeat.toNanos()) {
            announce();
        }
        book.expire(Math.min(ttl.toNanos(), Duration.ofSeconds(90).toNanos()));
    }

    /** This node's whole presence, now: on a heartbeat, on (re)connecting, and for a node new to this one. */
    void announce() {
        lastSnapshot = System.nanoTime();
        link.publish(
                channel(),
                PresenceNote.snapshot(bus.node(), registry.presenceHere()).json());
    }

    /** On Lettuce's thread: parsed here, applied in a delivery lane. */
    void received(String message) {
        try {
            PresenceNote note = PresenceNote.parse(message);
            if (!bus.node().equals(note.node())) {
                threads.inLane(0, () -> apply(note));
            }
        } catch (RuntimeException unreadable) {
            LOG.log(Level.WARNING, "an unreadable presence message was skipped", unreadable);
        }
    }

    private void apply(PresenceNote note) {
        if (note.snapshot()) {
            if (book.snapshot(note.node(), note.rooms())) {
                // a node new to this one: let it know this node's presence without waiting for a heartbeat
                announce();
            }
        } else {
            note.entries().forEach(e -> book.changed(note.node(), e.room(), e.user(), PresenceNote.online(e)));
        }
    }

    String channel() {
        return bus.prefix() + ":presence";
    }
}
