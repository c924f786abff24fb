package dev.parley.realtime.control;

import dev.parley.cluster.control.SharedLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The per-user cap on open sockets and streams. A slot is taken atomically when the handshake
 * is checked, before the upgrade, so handshakes racing each other can never pass the cap; the
 * connection that opens claims it and gives it back when it closes. A slot whose upgrade never
 * reached the endpoint is given back by {@link #sweep}.
 */
@ApplicationScoped
public class ConnectionCap {

    private static final long UNCLAIMED_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Inject
    @ConfigProperty(name = "parley.ws.max-connections-per-user", defaultValue = "20")
    int maxPerUser;

    @Inject
    SharedLimits shared;

    private final Map<String, Integer> taken = new ConcurrentHashMap<>();
    private final Set<Slot> unclaimed = ConcurrentHashMap.newKeySet();

    /** A slot for one more connection of this user, or empty at the cap. */
    public Optional<Slot> take(String username) {
        String key = username.toLowerCase(Locale.ROOT);
        boolean[] granted = new boolean[1];
        int[] held = new int[1];
        taken.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            granted[0] = count < maxPerUser;
            held[0] = granted[0] ? count + 1 : count;
            return granted[0] ? count + 1 : n;
        });
        if (!granted[0]) {
            return Optional.empty();
        }
        // in a cluster the cap counts every node's connections; without Redis, this node's alone
        if (!shared.connections(key, held[0], maxPerUser).orElse(true)) {
            giveBack(key);
            return Optional.empty();
        }
        Slot slot = new Slot(key);
        unclaimed.add(slot);
        return Optional.of(slot);
    }

    /** How many slots the user holds now, open or opening. */
    public int held(String username) {
        return taken.getOrDefault(username.toLowerCase(Locale.ROOT), 0);
    }

    /** Gives back the slots of handshakes whose connection never opened (the peer left mid-upgrade). */
    public void sweep() {
        long now = System.nanoTime();
        for (Slot slot : unclaimed) {
            if (now - slot.takenAt > UNCLAIMED_NANOS) {
                slot.release();
            }
        }
    }

    private void giveBack(String key) {
        Integer left = taken.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        shared.connectionsHere(key, left == null ? 0 : left);
    }

    /** One connection's place under the cap: taken, claimed by the open connection, released once. */
    public final class Slot {

        private static final int TAKEN = 0;
        private static final int CLAIMED = 1;
        private static final int RELEASED = 2;

        private final String key;
        private final long takenAt = System.nanoTime();
        private final AtomicInteger state = new AtomicInteger(TAKEN);

        private Slot(String key) {
            this.key = key;
        }

        /** The connection opened and now holds the slot. */
        public void claim() {
            unclaimed.remove(this);
            if (!state.compareAndSet(TAKEN, CLAIMED) && state.compareAndSet(RELEASED, CLAIMED)) {
                // swept while the open was slow: the connection is real, so it counts again
                taken.merge(key, 1, Integer::sum);
            }
        }

        /** Gives the slot back; only the first call counts. */
        public void release() {
            unclaimed.remove(this);
            if (state.getAndSet(RELEASED) != RELEASED) {
                giveBack(key);
            }
        }
    }
}
