package dev.parley.bench;

import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * Lost, duplicated and reordered deliveries over a set of subscribers, by seq: after the drain,
 * every subscriber should hold every seq of its room from its start up to the room's last one.
 *
 * @param drained whether everything had arrived before the drain time ran out; if not, "lost"
 *                may only be late
 */
record Integrity(long missing, long duplicates, long reordered, int subscribersShort, boolean drained) {

    /**
     * Waits (bounded) until every subscriber has everything up to its room's last seq, then counts.
     * {@code lastSeq} maps a subscriber's room index to the room's last seq.
     */
    static Integrity await(
            SocketClient client, List<Subscriber> subscribers, LongUnaryOperator lastSeq, java.time.Duration atMost)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        boolean drained;
        while (true) {
            client.fence();
            drained = subscribers.stream().allMatch(s -> s.seqs.complete(lastSeq.applyAsLong(s.room())));
            if (drained || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        long missing = 0;
        long dups = 0;
        long reordered = 0;
        int shortOnes = 0;
        for (Subscriber s : subscribers) {
            long m = s.seqs.missing(lastSeq.applyAsLong(s.room()));
            missing += m;
            shortOnes += m > 0 ? 1 : 0;
            dups += s.seqs.duplicates();
            reordered += s.seqs.reordered();
        }
        return new Integrity(missing, dups, reordered, shortOnes, drained);
    }

    boolean clean() {
        return missing == 0 && duplicates == 0 && reordered == 0;
    }

    String cell() {
        return missing + "/" + duplicates + "/" + reordered + (drained ? "" : " (drain timed out)");
    }

    /** Prints loss and duplicates loudly: they are bugs, whatever the speed. */
    void report(String scenario) {
        if (missing > 0) {
            Rig.loud(scenario + ": " + missing + " deliveries "
                    + (drained ? "LOST" : "missing when the drain time ran out (lost or late)") + " across "
                    + subscribersShort + " subscribers");
        }
        if (duplicates > 0) {
            Rig.loud(scenario + ": " + duplicates + " DUPLICATE deliveries");
        }
        if (reordered > 0) {
            Rig.loud(scenario + ": " + reordered + " deliveries OUT OF ORDER");
        }
    }
}
