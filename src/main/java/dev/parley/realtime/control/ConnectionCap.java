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
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The caps on open sockets and streams, per user and per client address. A slot is taken
 * atomically when the handshake is checked, before the upgrade, so handshakes racing each other
 * can never pass a cap; the connection that opens claims it and gives it back when it closes. A
 * slot whose upgrade never reached the endpoint is given back by {@link #sweep}. The cap per
 * address bounds what one machine holding many accounts can make a node keep open; it counts
 * this node's connections only.
 */
@ApplicationScoped
public class ConnectionCap {

    private static final Logger LOG = Logger.getLogger(ConnectionCap.class.getName());
    private static final long UNCLAIMED_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    @Inject
    @ConfigProperty(name = "parley.ws.max-connections-per-user", defaultValue = "20")
    int maxPerUser;

    @Inject
    @ConfigProperty(name = "parley.ws.max-connections-per-address", defaultValue = "1000")
    int maxPerAddress;

    @Inject
    SharedLimits shared;

    private final Map<String, Integer> taken = new ConcurrentHashMap<>();
    private final Map<String, Integer> fromAddress = new ConcurrentHashMap<>();
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final Set<Slot> unclaimed = ConcurrentHashMap.newKeySet();

    /** A slot for one more connection of this user from this address, or empty at either cap. */
    public Optional<Slot> take(String username, String address) {
        if (incremented(fromAddress, address, maxPerAddress) == 0) {
            warnAtTheAddressCap(address);
            return Optional.empty();
        }
        String key = username.toLowerCase(Locale.ROOT);
        int held = incremented(taken, key, maxPerUser);
        if (held == 0) {
            decrement(fromAddress, address);
            return Optional.empty();
        }
        Slot slot = new Slot(key, address);
        // in a cluster the cap counts every node's connections; without Redis, this node's alone
        if (!shared.connections(key, held, maxPerUser).orElse(true)) {
            slot.release();
            return Optional.empty();
        }
        unclaimed.add(slot);
        return Optional.of(slot);
    }

    /** The count after taking one more, or 0 at the cap. */
    private static int incremented(Map<String, Integer> counts, String key, int max) {
        int[] held = new int[1];
        counts.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            held[0] = count < max ? count + 1 : 0;
            return count < max ? count + 1 : n;
        });
        return held[0];
    }

    private static int decrement(Map<String, Integer> counts, String key) {
        Integer left = counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        return left == null ? 0 : left;
    }

    private void warnAtTheAddressCap(String address) {
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarned.compareAndSet(last, now)) {
            LOG.warning("connections from " + address + " reached parley.ws.max-connections-per-address ("
                    + maxPerAddress + "); if the node is behind a proxy, name it in parley.http.trusted-proxies");
        }
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

    private void giveBack(Slot slot) {
        decrement(fromAddress, slot.address);
        shared.connectionsHere(slot.key, decrement(taken, slot.key));
    }

    /** One connection's place under the cap: taken, claimed by the open connection, released once. */
    public final class Slot {

        private static final int TAKEN = 0;
        private static final int CLAIMED = 1;
        private static final int RELEASED = 2;

        private final String key;
        private final String address;
        private final long takenAt = System.nanoTime();
        private final AtomicInteger state = new AtomicInteger(TAKEN);

        private Slot(String key, String address) {
            this.key = key;
            this.address = address;
        }

        /** The connection opened and now holds the slot. */
        public void claim() {
            unclaimed.remove(this);
            if (!state.compareAndSet(TAKEN, CLAIMED) && state.compareAndSet(RELEASED, CLAIMED)) {
                // swept while the open was slow: the connection is real, so it counts again
                taken.merge(key, 1, Integer::sum);
                fromAddress.merge(address, 1, Integer::sum);
            }
        }

        /** Gives the slot back; only the first call counts. */
        public void release() {
            unclaimed.remove(this);
            if (state.getAndSet(RELEASED) != RELEASED) {
                giveBack(this);
            }
        }
    }
}
