package dev.parley.rooms.control;

import dev.parley.accounts.entity.User;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.rooms.entity.DirectRoom;
import dev.parley.rooms.entity.Membership;
import dev.parley.rooms.entity.MembershipStarted;
import dev.parley.rooms.entity.Room;
import dev.parley.rooms.entity.RoomSummary;
import dev.parley.rooms.entity.Visibility;
import dev.parley.rooms.entity.Visible;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Rooms and who may see them: a private room does not exist for those outside it. */
@ApplicationScoped
@Transactional
public class Rooms {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<MembershipStarted> started;

    @Inject
    RateLimits rateLimits;

    @Inject
    RoomDirectory directory;

    public Room create(User owner, String name, String topic, Visibility visibility) {
        rateLimits.takeRoomChange(owner.username());
        Room room = new Room(name, topic, visibility, owner.id());
        em.persist(room);
        // memberships map room_id as a plain column, so the provider cannot order these inserts itself
        em.flush();
        em.persist(new Membership(room.id(), owner.id(), 0));
        started.fire(new MembershipStarted(room.id(), owner.username(), 0));
        return room;
    }

    public Optional<Room> direct(User a, User b) {
        return em.createNamedQuery(Room.DIRECT, Room.class)
                .setParameter("key", Room.directKey(a.id(), b.id()))
                .getResultStream()
                .findFirst();
    }

    /**
     * Creates the pair's room for {@code a}, who writes first; a unique violation here means the
     * other side just created it. A room made is a room change of {@code a}'s even if the message
     * that made it is refused: otherwise one account could open a room with every user.
     */
    public Room createDirect(User a, User b) {
        rateLimits.takeRoomChange(a.username());
        Room room = Room.direct(a.id(), b.id());
        em.persist(room);
        em.flush();
        em.persist(new Membership(room.id(), a.id(), 0));
        em.persist(new Membership(room.id(), b.id(), 0));
        em.flush();
        started.fire(new MembershipStarted(room.id(), a.username(), 0));
        started.fire(new MembershipStarted(room.id(), b.username(), 0));
        return room;
    }

    /** The ids of the user's direct rooms, nothing else: what a /ws/chat handshake needs. */
    public List<Long> directIdsOf(User user) {
        return em.createNamedQuery(Room.DIRECT_IDS_FOR, Long.class)
                .setParameter("user", user.id())
                .getResultList();
    }

    public List<DirectRoom> directsOf(User user) {
        return em
                .createNamedQuery(Room.DIRECT_FOR, Object[].class)
                .setParameter("user", user.id())
                .getResultList()
                .stream()
                .map(row -> {
                    Room room = (Room) row[0];
                    Membership theirs = (Membership) row[2];
                    return new DirectRoom(
                            room.id(),
                            theirs.user().profile(),
                            room.lastSeq(),
                            ((Membership) row[1]).unreadUpTo(room.lastSeq()));
                })
                .toList();
    }

    public Visible visible(User user, long roomId) {
        Room room = em.find(Room.class, roomId);
        Membership membership = room == null ? null : em.find(Membership.class, new Membership.Key(roomId, user.id()));
        if (room == null || (!room.isPublic() && membership == null)) {
            throw notFound(roomId);
        }
        return new Visible(room, membership);
    }

    /** The caller's membership; 404 when the room is invisible to them, 403 when it is public. */
    public Membership requireMember(User user, long roomId) {
        return joined(user, roomId).membership();
    }

    /** The room and the caller's membership in it, refused like {@link #requireMember}. */
    public Visible joined(User user, long roomId) {
        Visible visible = visible(user, roomId);
        if (!visible.isMember()) {
            throw Refusal.notMember(roomId);
        }
        return visible;
    }

    /** The room locked for update: the lock orders every writer of its seq. */
    public Room lockForSend(long roomId) {
        Room room = em.find(Room.class, roomId, LockModeType.PESSIMISTIC_WRITE);
        if (room == null) {
            throw notFound(roomId);
        }
        return room;
    }

    /** Turns the assistant on or off in a room: its owner only (a direct room's pair have it through the direct room). */
    public RoomSummary assistant(User owner, long roomId, boolean on) {
        Room room = joined(owner, roomId).room();
        if (room.ownerId() != owner.id() || room.isDirect()) {
            throw Refusal.forbidden("only the room's owner may change its settings");
        }
        room.assistant(on);
        return summary(owner, roomId);
    }

    public RoomSummary summary(User user, long roomId) {
        Visible visible = visible(user, roomId);
        return RoomSummary.of(visible.room(), visible.membership(), directory.memberCount(roomId));
    }

    static Refusal notFound(long roomId) {
        return Refusal.roomNotFound(roomId);
    }
}
