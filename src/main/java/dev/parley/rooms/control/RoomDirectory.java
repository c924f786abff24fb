package dev.parley.rooms.control;

import dev.parley.accounts.entity.User;
import dev.parley.rooms.entity.Membership;
import dev.parley.rooms.entity.Room;
import dev.parley.rooms.entity.RoomSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Many rooms at once: a user's room list, and the last seqs and member counts of sets of rooms.
 * Those sets can be large (one user may be in tens of thousands of rooms), so every IN list is
 * read in parts.
 */
@ApplicationScoped
@Transactional
public class RoomDirectory {

    static final int IN_LIST_MAX = 1_000;

    @PersistenceContext
    EntityManager em;

    @Inject
    @ConfigProperty(name = "parley.rooms.max-listed", defaultValue = "500")
    int maxListed;

    /**
     * Every room the user is in, and the newest public rooms they are not in, at most
     * parley.rooms.max-listed of those: anyone may make a public room, so listing all of them
     * would let their number decide the size of every user's answer.
     */
    public List<RoomSummary> listedFor(User user) {
        List<Object[]> rows = new ArrayList<>(em.createNamedQuery(Room.JOINED_BY, Object[].class)
                .setParameter("user", user.id())
                .getResultList());
        em.createNamedQuery(Room.PUBLIC_NOT_JOINED, Room.class)
                .setParameter("user", user.id())
                .setMaxResults(maxListed)
                .getResultList()
                .forEach(room -> rows.add(new Object[] {room, null}));
        rows.sort(Comparator.comparingLong(row -> ((Room) row[0]).id()));
        Map<Long, Long> counts =
                memberCounts(rows.stream().map(row -> ((Room) row[0]).id()).toList());
        return rows.stream()
                .map(row -> {
                    Room room = (Room) row[0];
                    return RoomSummary.of(room, (Membership) row[1], counts.getOrDefault(room.id(), 0L));
                })
                .toList();
    }

    /** The last seq of every room the user is in, in room id order: what following all of them needs, and no more. */
    public Map<Long, Long> lastSeqsJoinedBy(User user) {
        Map<Long, Long> last = new TreeMap<>();
        em.createNamedQuery(Room.SEQS_JOINED_BY, Object[].class)
                .setParameter("user", user.id())
                .getResultStream()
                .forEach(row -> last.put((Long) row[0], (Long) row[1]));
        return last;
    }

    private Map<Long, Long> memberCounts(List<Long> roomIds) {
        Map<Long, Long> counts = new HashMap<>();
        inChunks(
                roomIds,
                chunk -> em.createNamedQuery(Membership.COUNTS, Object[].class)
                        .setParameter("rooms", chunk)
                        .getResultList()
                        .forEach(row -> counts.put((Long) row[0], (Long) row[1])));
        return counts;
    }

    /** PostgreSQL's driver takes at most 65,535 parameters in a statement: a long IN list goes in parts. */
    static <T> void inChunks(List<T> ids, Consumer<List<T>> query) {
        for (int from = 0; from < ids.size(); from += IN_LIST_MAX) {
            query.accept(ids.subList(from, Math.min(ids.size(), from + IN_LIST_MAX)));
        }
    }

    /**
     * The last seq of each of these rooms, as committed now (rooms that are gone are left out):
     * for a node to see what it has not released yet, and for a new channel's starting point.
     */
    public Map<Long, Long> lastSeqs(Collection<Long> roomIds) {
        Map<Long, Long> last = new HashMap<>();
        inChunks(
                List.copyOf(roomIds),
                chunk -> em.createNamedQuery(Room.LAST_SEQS, Object[].class)
                        .setParameter("rooms", chunk)
                        .getResultStream()
                        .forEach(row -> last.put((Long) row[0], (Long) row[1])));
        return last;
    }

    public long memberCount(long roomId) {
        return memberCounts(List.of(roomId)).getOrDefault(roomId, 0L);
    }
}
