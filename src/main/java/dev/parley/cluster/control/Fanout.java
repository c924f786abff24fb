package dev.parley.cluster.control;

import dev.parley.messages.entity.MessagePosted;
import dev.parley.realtime.control.SessionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The one place committed messages leave the transaction for live delivery. Only
 * AFTER_SUCCESS: a send that rolls back is never announced. Single node: straight to the
 * local registry, which only queues, so the committing thread is never held by a socket.
 */
@ApplicationScoped
public class Fanout {

    private static final Logger LOG = Logger.getLogger(Fanout.class.getName());

    private final AtomicLong published = new AtomicLong();

    @Inject
    SessionRegistry registry;

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessagePosted event) {
        published.incrementAndGet();
        LOG.finest(() -> "committed room " + event.message().roomId() + " seq " + event.message().seq());
        registry.deliver(event);
    }

    public long published() {
        return published.get();
    }
}
