package dev.parley.messages.control;

import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.DeliveryLag;
import dev.parley.platform.control.Refusal;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every send's way to the database: the sends waiting when the committer looks are stored in one
 * transaction ({@link SendBatch}), so the look-ups, the round trips of the commit and the
 * transaction's own work are paid once per batch, not once per message. Each sender waits for
 * its own outcome, which is known only after the commit: the ack still follows the commit.
 * <p>
 * When a batch's transaction fails as a whole (a deadlock, a lost connection, a constraint a
 * look-up could not foresee), nothing of it was stored, so each of its sends is tried again in a
 * transaction of its own and gets its own answer.
 * <p>
 * A committer spends most of a batch waiting for the database's replies, so there are several
 * ({@code parley.send.committers}), each with its own line and a share of the rooms: one room's
 * sends always go through the same committer, in the order they came, and batches of different
 * rooms overlap in the database.
 * <p>
 * Batches leave out the look-up of earlier client_ids ({@link SendBatch}): a repeat then fails its
 * batch, which is stored again at once with the look-up. Repeats come in bursts, when clients
 * resend after a reconnect, so after one the committer looks first for a while.
 */
@ApplicationScoped
public class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

    /** How long a committer looks up client_ids first after a batch failed without the look-up. */
    static final long SEEK_REPEATS_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Messages messages;

    @Inject
    SendBatch batches;

    @Inject
    DeliveryLag deliveryLag;

    @Inject
    @ConfigProperty(name = "parley.send.batch", defaultValue = "32")
    int maxBatch;

    @Inject
    @ConfigProperty(name = "parley.send.committers", defaultValue = "2")
    int committerCount;

    private volatile boolean stopping;
    private Committer[] committers;

    private record Waiting(SendBatch.Send send, CompletableFuture<Posted> outcome) {}

    /** One committer: its line of sends, and the thread that stores them a batch at a time. */
    private final class Committer {
        final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
        final Thread thread = threads.newThread(() -> commitWhileRunning(this));
        // read and written by the committer's own thread only
        long seekRepeatsUntil = System.nanoTime();

        boolean seeksRepeats() {
            return System.nanoTime() - seekRepeatsUntil < 0;
        }
    }

    @PostConstruct
    void start() {
        maxBatch = Math.max(1, maxBatch);
        committers = new Committer[Math.max(1, committerCount)];
        for (int i = 0; i < committers.length; i++) {
            committers[i] = new Committer();
            committers[i].thread.start();
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Committer committer : committers) {
            try {
                committer.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            refuseWaiting(committer.queue);
        }
    }

    /** Stores one send with the others waiting now; returns once it is committed (or refused). */
    public Posted post(User sender, long roomId, Draft draft) {
        try {
            return submit(sender, roomId, draft).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Hands one send to the committer and returns at once: the future completes, on the
     * committer's thread, with the committed message or the send's {@link Refusal}. A send the
     * rate limit or validation refuses is refused here, by a throw, before it is queued.
     */
    public CompletableFuture<Posted> submit(User sender, long roomId, Draft draft) {
        messages.admit(sender, draft);
        Waiting waiting = new Waiting(new SendBatch.Send(sender, roomId, draft), new CompletableFuture<>());
        BlockingQueue<Waiting> queue = committers[(int) Math.floorMod(roomId, (long) committers.length)].queue;
        queue.add(waiting);
        if (stopping) {
            refuseWaiting(queue);
        }
        return waiting.outcome();
    }

    /** The most sends stored in one transaction. */
    public int maxBatch() {
        return maxBatch;
    }

    /** How many batches may be in the database at once. */
    public int committers() {
        return committers.length;
    }

    /** Sends handed over and not yet taken into a batch. */
    int waiting() {
        int waiting = 0;
        for (Committer committer : committers) {
            waiting += committer.queue.size();
        }
        return waiting;
    }

    private void commitWhileRunning(Committer committer) {
        BlockingQueue<Waiting> queue = committer.queue;
        List<Waiting> batch = new ArrayList<>(maxBatch);
        while (!stopping) {
            try {
                Waiting first = queue.poll(250, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                break;
            }
            // between transactions, holding no lock: the sends behind wait in the line of sends
            deliveryLag.awaitCaughtUp(() -> stopping);
            queue.drainTo(batch, maxBatch - 1);
            try {
                commit(committer, batch);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "a batch of sends failed", e);
                // no sender waits for ever; those already answered keep their answer
                batch.forEach(w -> w.outcome().completeExceptionally(Refusal.busy()));
            }
            batch.clear();
        }
        refuseWaiting(queue);
    }

    private void commit(Committer committer, List<Waiting> batch) {
        List<SendBatch.Send> sends = batch.stream().map(Waiting::send).toList();
        List<SendBatch.Outcome> outcomes;
        try {
            if (committer.seeksRepeats()) {
                outcomes = batches.store(sends, true);
            } else {
                outcomes = storeOrSeekRepeats(committer, sends);
            }
        } catch (RuntimeException failed) {
            // the cause's class only: a database error's text may quote the statement's parameters
            LOG.warning(() -> "a batch of " + batch.size() + " sends rolled back (" + rootCause(failed)
                    + "); each is tried alone");
            batch.forEach(this::commitAlone);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            answer(batch.get(i), outcomes.get(i));
        }
    }

    private List<SendBatch.Outcome> storeOrSeekRepeats(Committer committer, List<SendBatch.Send> sends) {
        try {
            return batches.store(sends, false);
        } catch (RuntimeException failed) {
            // most likely a send repeated a stored message; nothing of the batch was stored
            LOG.fine(() -> "a batch rolled back without the client_id look-up (" + rootCause(failed)
                    + "); stored again with it");
            committer.seekRepeatsUntil = System.nanoTime() + SEEK_REPEATS_NANOS;
            return batches.store(sends, true);
        }
    }

    private void commitAlone(Waiting waiting) {
        try {
            answer(waiting, batches.store(List.of(waiting.send()), true).get(0));
        } catch (RuntimeException e) {
            waiting.outcome().completeExceptionally(e);
        }
    }

    private static void answer(Waiting waiting, SendBatch.Outcome outcome) {
        if (outcome.refusal() != null) {
            waiting.outcome().completeExceptionally(outcome.refusal());
        } else {
            waiting.outcome().complete(outcome.posted());
        }
    }

    private static String rootCause(Throwable failed) {
        Throwable cause = failed;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getName();
    }

    // nothing of these was tried: a busy answer is true, and the client sends again
    private static void refuseWaiting(BlockingQueue<Waiting> queue) {
        Waiting waiting;
        while ((waiting = queue.poll()) != null) {
            waiting.outcome().completeExceptionally(Refusal.busy());
        }
    }
}
