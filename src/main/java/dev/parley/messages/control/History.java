package dev.parley.messages.control;

import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.messages.entity.HistoryPage;
import dev.parley.messages.entity.Message;
import dev.parley.platform.control.Refusal;
import dev.parley.rooms.control.Rooms;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Keyset pages over a room's seqs: no offsets, so a page costs the same at any depth. */
@ApplicationScoped
@Transactional
public class History {

    @PersistenceContext
    EntityManager em;

    @Inject
    Rooms rooms;

    /**
     * With {@code after}, reads upwards from it; otherwise downwards from {@code before}
     * (or the newest). Bounds are exclusive; the page is ascending either way.
     */
    public HistoryPage page(User reader, long roomId, Long before, Long after, int limit) {
        rooms.requireMember(reader, roomId);
        boolean upwards = after != null;
        List<Message> rows = em.createNamedQuery(upwards ? Message.PAGE_UP : Message.PAGE_DOWN, Message.class)
                .setParameter("room", roomId)
                .setParameter("after", after == null ? 0L : after)
                .setParameter("before", before == null ? Long.MAX_VALUE : before)
                .setMaxResults(limit + 1)
                .getResultList();
        boolean hasMore = rows.size() > limit;
        List<ChatMessage> page = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())).stream()
                .map(Message::view)
                .toList());
        if (!upwards) {
            Collections.reverse(page);
        }
        return new HistoryPage(page, hasMore);
    }

    /**
     * The messages of these rooms edited or deleted since {@code since}, oldest change first: what
     * a cluster node replays to its sockets after it lost the other nodes' announcements.
     */
    public List<ChatMessage> changedSince(Collection<Long> roomIds, Instant since) {
        if (roomIds.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery(Message.CHANGED_SINCE, Message.class)
                .setParameter("rooms", roomIds)
                .setParameter("since", since)
                .getResultStream()
                .map(Message::view)
                .toList();
    }

    /** A room's messages strictly between two seqs, ascending; for the live path to fill a gap. */
    public List<ChatMessage> between(long roomId, long after, long before) {
        return em.createNamedQuery(Message.PAGE_UP, Message.class)
                .setParameter("room", roomId)
                .setParameter("after", after)
                .setParameter("before", before)
                .getResultStream()
                .map(Message::view)
                .toList();
    }

    public ChatMessage one(User reader, long roomId, long seq) {
        rooms.requireMember(reader, roomId);
        return em.createNamedQuery(Message.BY_SEQ, Message.class)
                .setParameter("room", roomId)
                .setParameter("seq", seq)
                .getResultStream()
                .findFirst()
                .map(Message::view)
                .orElseThrow(() -> Refusal.notFound("no message " + seq + " in room " + roomId));
    }
}
