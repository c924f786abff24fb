package dev.parley.realtime.control;

import dev.parley.accounts.entity.User;
import dev.parley.rooms.control.Rooms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which direct rooms each user is in, as this node last read them. Every /ws/chat handshake
 * follows the user's direct rooms, and reading them in a transaction was a seventh of a
 * handshake's CPU; they change only when a direct room is made or deleted, and every such
 * change reaches this node as a room event ({@link #forget}), from its own commits or the
 * other nodes'. An entry is also read again after {@link #MAX_AGE_NANOS}, so an event a node
 * never heard (Redis away) leaves it wrong for a minute at most.
 */
@ApplicationScoped
public class DirectRoomBook {

    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Past this many users the book starts over: it only saves reads, it holds nothing else. */
    static final int MAX_USERS = 50_000;

    private record Entry(List<Long> roomIds, long readAt) {}

    private final Map<String, Entry> byUser = new ConcurrentHashMap<>();

    /** Bumped by every forget, so a read that began before one is not kept after it. */
    private long changes;

    @Inject
    Rooms rooms;

    public List<Long> roomIdsOf(User user) {
        String key = key(user.username());
        Entry entry = byUser.get(key);
        long now = System.nanoTime();
        if (entry != null && now - entry.readAt() < MAX_AGE_NANOS) {
            return entry.roomIds();
        }
        long before;
        synchronized (this) {
            before = changes;
        }
        List<Long> read = List.copyOf(rooms.directIdsOf(user));
        synchronized (this) {
            if (changes == before) {
                if (byUser.size() >= MAX_USERS) {
                    byUser.clear();
                }
                byUser.put(key, new Entry(read, now));
            }
        }
        return read;
    }

    /** A membership of this user began or ended somewhere in the cluster. */
    public void forget(String username) {
        synchronized (this) {
            changes++;
            byUser.remove(key(username));
        }
    }

    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
