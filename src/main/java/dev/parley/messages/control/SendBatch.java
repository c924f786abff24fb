package dev.parley.messages.control;

import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Message;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.Refusal;
import dev.parley.rooms.entity.Membership;
import dev.parley.rooms.entity.Room;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The sends' one way into the database: admitted sends ({@link Messages#admit}) in one transaction,
 * each under the rules of a send (the room exists and the sender may see it, the sender is a member,
 * a repeated client_id returns the first message, seq is gap-free, the sender's read marker moves),
 * with each look-up made once for the whole batch and one commit for all. A send that is refused
 * gets its refusal and the others go on: a refusal here is built, never thrown, so it does not mark
 * the shared transaction for rollback.
 * <p>
 * The look-up of earlier client_ids finds nothing for nearly every batch, and it was a quarter of a
 * batch's time in the database, so the caller may leave it out ({@code seekRepeats} false). A send
 * that repeats a message an earlier batch stored then breaks the idempotency index on insert, and the
 * whole batch rolls back with nothing stored: the caller stores it again with the look-up.
 */
@ApplicationScoped
@Transactional
public class SendBatch {

    /** One send, already validated and charged to its sender's allowance. */
    public record Send(User sender, long roomId, Draft draft) {}

    /** What became of one send: the message, or the refusal its sender gets. */
    public record Outcome(Posted posted, Refusal refusal) {}

    private record ClientKey(long roomId, long senderId, String clientId) {}

    private record Repeat(Message message) {}

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<MessagePosted> posted;

    /** The outcomes in the order of {@code sends}; the events fire in seq order, after commit. */
    public List<Outcome> store(List<Send> sends, boolean seekRepeats) {
        Set<Long> roomIds = new TreeSet<>();
        Set<Long> userIds = new TreeSet<>();
        Set<ClientKey> clientKeys = new LinkedHashSet<>();
        for (Send send : sends) {
            roomIds.add(send.roomId());
            userIds.add(send.sender().id());
            if (seekRepeats && send.draft().clientId() != null) {
                clientKeys.add(new ClientKey(
                        send.roomId(), send.sender().id(), send.draft().clientId()));
            }
        }
        // locked first, in id order, and held until commit: the next writer of a room's seq waits,
        // so seq order is commit order, and two batches (also on two nodes) never deadlock
        Map<Long, Room> rooms = em.createNamedQuery(Room.FOR_SEND, Room.class)
                .setParameter("rooms", roomIds)
                .getResultStream()
                .collect(Collectors.toMap(Room::id, Function.identity()));
        Map<Membership.Key, Membership> members = em.createNamedQuery(Membership.OF_SENDERS, Membership.class)
                .setParameter("rooms", roomIds)
                .setParameter("users", userIds)
                .getResultStream()
                .collect(Collectors.toMap(m -> new Membership.Key(m.roomId(), m.userId()), Function.identity()));
        // without the look-up it still holds this batch's own keys: a repeat within the batch
        Map<ClientKey, Message> seen = earlier(clientKeys);
        List<Object> results = new ArrayList<>(sends.size());
        List<Message> stored = new ArrayList<>();
        for (Send send : sends) {
            results.add(place(send, rooms, members, seen, stored));
        }
        em.flush();
        for (Message message : stored) {
            posted.fire(new MessagePosted(message.view()));
        }
        List<Outcome> outcomes = new ArrayList<>(sends.size());
        for (Object result : results) {
            if (result instanceof Refusal refusal) {
                outcomes.add(new Outcome(null, refusal));
            } else if (result instanceof Repeat repeat) {
                outcomes.add(new Outcome(new Posted(repeat.message().view(), true), null));
            } else {
                outcomes.add(new Outcome(new Posted(((Message) result).view(), false), null));
            }
        }
        return outcomes;
    }

    /** The messages stored before under these keys. */
    private Map<ClientKey, Message> earlier(Set<ClientKey> keys) {
        Map<ClientKey, Message> seen = new HashMap<>();
        if (keys.isEmpty()) {
            return seen;
        }
        TypedQuery<Message> query = em.createQuery(Message.byClientKeys(keys.size()), Message.class)
                .setParameter(
                        "clientIds", keys.stream().map(ClientKey::clientId).collect(Collectors.toSet()));
        int i = 0;
        for (ClientKey key : keys) {
            query.setParameter("r" + i, key.roomId())
                    .setParameter("s" + i, key.senderId())
                    .setParameter("c" + i, key.clientId());
            i++;
        }
        query.getResultStream().forEach(m -> seen.put(new ClientKey(m.roomId(), m.senderId(), m.clientId()), m));
        return seen;
    }

    /** The message this send stored or repeats, or its refusal. */
    private Object place(
            Send send,
            Map<Long, Room> rooms,
            Map<Membership.Key, Membership> members,
            Map<ClientKey, Message> seen,
            List<Message> stored) {
        long roomId = send.roomId();
        Room room = rooms.get(roomId);
        Membership membership =
                members.get(new Membership.Key(roomId, send.sender().id()));
        if (room == null || (!room.isPublic() && membership == null)) {
            return Refusal.roomNotFound(roomId);
        }
        if (membership == null) {
            return Refusal.notMember(roomId);
        }
        Draft draft = send.draft();
        ClientKey key = draft.clientId() == null
                ? null
                : new ClientKey(roomId, send.sender().id(), draft.clientId());
        if (key != null && seen.containsKey(key)) {
            // an earlier message, or one earlier in this batch: a repeat either way
            return new Repeat(seen.get(key));
        }
        String type = draft.messageType() == null ? Message.TEXT : draft.messageType();
        Message message =
                new Message(roomId, room.nextSeq(), membership.user(), draft.content(), type, draft.clientId());
        // writing in a room means having read it: unread counts stay last_seq minus the marker
        membership.markRead(message.seq());
        em.persist(message);
        stored.add(message);
        if (key != null) {
            seen.put(key, message);
        }
        return message;
    }
}
