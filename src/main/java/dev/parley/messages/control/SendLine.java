package dev.parley.messages.control;

import dev.parley.platform.control.Meters;
import dev.parley.platform.control.WaitingLine;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bound on sends in flight. Every send (socket frame, REST, direct message) takes its turn
 * here before its transaction begins, so at most {@code parley.send.concurrency} transactions
 * run at once and at most {@code parley.send.queue} senders wait, each at most
 * {@code parley.send.wait}; past either the sender is told {@code busy} (503, Retry-After: 1)
 * and nothing was stored. Without it, an overloaded node let every request thread into a send
 * at once: they spent the core switching between one another and waiting on each other's
 * connections, the CPU per message rose, the stored rate fell below what the node can do,
 * and the delivery threads got no share of the core, so the backlog grew without end.
 */
@ApplicationScoped
public class SendLine {

    /**
     * Sends in their transaction at once; 0 means 2 per processor, at least 2. A send spends
     * part of its transaction waiting on the database, so one place per processor would leave
     * the core idle; whether more than 2 pay is not settled (docs/performance.md).
     */
    @Inject
    @ConfigProperty(name = "parley.send.concurrency", defaultValue = "0")
    int concurrency;

    @Inject
    @ConfigProperty(name = "parley.send.queue", defaultValue = "64")
    int queue;

    @Inject
    @ConfigProperty(name = "parley.send.wait", defaultValue = "PT2S")
    Duration maxWait;

    @Inject
    Meters meters;

    WaitingLine line;

    @PostConstruct
    void init() {
        int places = concurrency > 0
                ? concurrency
                : Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
        line = new WaitingLine(places, queue, maxWait, () -> meters.add(Meters.Count.BUSY_SENDS));
    }

    /** Runs one send, which must begin its own transaction, in its turn. */
    public <T> T run(Supplier<T> send) {
        return line.run(send);
    }
}
