package dev.parley.bench;

import java.util.BitSet;

/**
 * One subscriber's view of a room's gap-free seq: which seqs after {@code base} it has seen,
 * twice, or out of order. Touched only on the socket's event loop.
 */
final class SeqTracker {

    private long base;
    private long max;
    private final BitSet seen = new BitSet();
    private long distinct;
    private long duplicates;
    private long reordered;

    /** From now on every seq after {@code base} is expected exactly once, in order. */
    void reset(long base) {
        this.base = base;
        this.max = base;
        seen.clear();
        distinct = 0;
        duplicates = 0;
        reordered = 0;
    }

    void accept(long seq) {
        if (seq <= base) {
            // from before this stage (a late one after a drain that timed out): not this stage's business
            return;
        }
        int index = (int) (seq - base - 1);
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        distinct++;
        if (seq < max) {
            reordered++;
        }
        max = Math.max(max, seq);
    }

    long base() {
        return base;
    }

    long max() {
        return max;
    }

    long duplicates() {
        return duplicates;
    }

    long reordered() {
        return reordered;
    }

    /** Seqs in (base, last] never seen. */
    long missing(long last) {
        if (last <= base) {
            return 0;
        }
        int upTo = (int) (last - base);
        return upTo - seen.get(0, upTo).cardinality();
    }

    /** Whether everything up to {@code last} has arrived. */
    boolean complete(long last) {
        return max >= last && distinct >= last - base;
    }
}
