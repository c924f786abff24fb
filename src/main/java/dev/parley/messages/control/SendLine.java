package dev.parley.messages.control;

import dev.parley.platform.control.Meters;
import dev.parley.platform.control.WaitingLine;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bound on sends in flight. Every send (socket frame, REST, direct message) takes its turn
 * here before it joins a batch ({@link GroupCommit}), so at most {@code parley.send.concurrency}
 * senders wait for a commit and at most {@code parley.send.queue} more wait for their turn, each
 * at most {@code parley.send.wait}; past either the sender is told {@code busy} (503,
 * Retry-After: 1) and nothing was stored. Without a bound, an overloaded node let every request
 * thread into a send at once, the backlog grew without end, and so did every sender's wait.
 */
@ApplicationScoped
public class SendLine {

    /**
     * Senders waiting for a commit at once; 0 means two batches' worth ({@code parley.send.batch})
     * for each committer ({@code parley.send.committers}): one being committed, the next one
     * filling. Since sends are committed in batches, a waiting sender holds a parked thread, not a
     * transaction, so the bound follows the batch, not the processors.
     */
    @Inject
    @ConfigProperty(name = "parley.send.concurrency", defaultValue = "0")
    int concurrency;

    @Inject
    GroupCommit groupCommit;

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
        int places = concurrency > 0 ? concurrency : 2 * groupCommit.maxBatch() * groupCommit.committers();
        line = new WaitingLine(places, queue, maxWait, () -> meters.add(Meters.Count.BUSY_SENDS));
    }

    /** Runs one send in its turn. */
    public <T> T run(Supplier<T> send) {
        return line.run(send);
    }

    /** Starts one send in its turn; its place is held until the send's outcome is known. */
    public <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> send) {
        return line.start(send);
    }
}
