package dev.parley.rooms.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.Message;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.rooms.entity.MarkerMoved;
import dev.parley.rooms.entity.Member;
import dev.parley.rooms.entity.Membership;
import dev.parley.rooms.entity.MembershipEnded;
import dev.parley.rooms.entity.MembershipStarted;
import dev.parley.rooms.entity.Room;
import dev.parley.rooms.entity.Visible;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

@ApplicationScoped
@Transactional
public class Memberships {

    @PersistenceContext
    EntityManager em;

    @Inject
    Rooms rooms;

    @Inject
    Accounts accounts;

    @Inject
    Event<MarkerMoved> moved;

    @Inject
    Event<MembershipEnded> ended;

    @Inject
    Event<MembershipStarted> started;

    @Inject
    RateLimits rateLimits;

    /** Joins a public room; history from before the join counts as read. */
    public void join(User user, long roomId) {
        rateLimits.takeRoomChange(user.username());
        Visible visible = rooms.visible(user, roomId);
        if (!visible.isMember()) {
            em.persist(new Membership(roomId, user.id(), visible.room().lastSeq()));
            started.fire(new MembershipStarted(
                    roomId, user.username(), visible.room().lastSeq()));
        }
    }

    /** The owner adds someone; true when they were not a member yet. */
    public boolean add(User owner, long roomId, String username) {
        rateLimits.takeRoomChange(owner.username());
        rooms.requireMember(owner, roomId);
        Room room = em.find(Room.class, roomId);
        if (room.ownerId() != owner.id()) {
            throw Refusal.forbidden("only the owner of room " + roomId + " may add members");
        }
        if (room.isDirect()) {
            throw Refusal.forbidden("a direct room has exactly its two people");
        }
        User added = accounts.byUsername(username).orElseThrow(() -> Refusal.notFound("no user " + username));
        if (em.find(Membership.class, new Membership.Key(roomId, added.id())) != null) {
            return false;
        }
        em.persist(new Membership(roomId, added.id(), room.lastSeq()));
        started.fire(new MembershipStarted(roomId, added.username(), room.lastSeq()));
        return true;
    }

    /** Leaves a room; an owner who leaves hands the room to the longest-standing member left. */
    public void leave(User user, long roomId) {
        rateLimits.takeRoomChange(user.username());
        Visible visible = rooms.visible(user, roomId);
        if (!visible.isMember()) {
            return;
        }
        if (visible.room().isDirect()) {
            throw Refusal.forbidden("a direct room cannot be left");
        }
        em.remove(visible.membership());
        ended.fire(new MembershipEnded(roomId, user.username()));
        Room room = em.find(Room.class, roomId, LockModeType.PESSIMISTIC_WRITE);
        if (room.ownerId() == user.id()) {
            em.flush();
            memberships(roomId).stream().findFirst().ifPresent(heir -> room.transferTo(heir.userId()));
        }
    }

    /** Moves the caller's read marker forward, never past the room's last seq; true when it moved. */
    public boolean markRead(User user, long roomId, long seq) {
        rateLimits.takeRead(user.username());
        Membership membership = rooms.requireMember(user, roomId);
        long bounded = Math.min(seq, em.find(Room.class, roomId).lastSeq());
        if (!membership.markRead(bounded)) {
            return false;
        }
        moved.fire(new MarkerMoved(roomId, user.username(), bounded));
        return true;
    }

    public List<Member> members(User user, long roomId) {
        Room room = rooms.visible(user, roomId).room();
        return memberships(roomId).stream().map(m -> m.view(room.ownerId())).toList();
    }

    public Member member(long roomId, String username) {
        Room room = em.find(Room.class, roomId);
        return memberships(roomId).stream()
                .filter(m -> m.user().username().equalsIgnoreCase(username))
                .findFirst()
                .map(m -> m.view(room.ownerId()))
                .orElseThrow(() -> Refusal.notFound("no member " + username));
    }

    /**
     * Deletes a room with its messages and memberships (an admin's act): every member hears
     * room_removed, and sockets and streams that carried only this room close with 4004.
     */
    public void deleteRoom(long roomId) {
        Room room = em.find(Room.class, roomId, LockModeType.PESSIMISTIC_WRITE);
        if (room == null) {
            throw Refusal.roomNotFound(roomId);
        }
        for (Membership membership : memberships(roomId)) {
            em.remove(membership);
            ended.fire(new MembershipEnded(roomId, membership.user().username(), true));
        }
        em.createNamedQuery(Message.OF_ROOM_DELETE).setParameter("room", roomId).executeUpdate();
        em.flush();
        em.remove(room);
    }

    private List<Membership> memberships(long roomId) {
        return em.createNamedQuery(Membership.OF_ROOM, Membership.class)
                .setParameter("room", roomId)
                .getResultList();
    }
}
