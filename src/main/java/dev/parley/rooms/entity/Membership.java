package dev.parley.rooms.entity;

import dev.parley.accounts.entity.User;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

@Entity
@Table(name = "memberships")
@IdClass(Membership.Key.class)
@NamedQuery(
        name = Membership.OF_ROOM,
        query = "select m from Membership m join fetch m.user where m.roomId = :room order by m.joinedAt, m.userId")
@NamedQuery(
        name = Membership.COUNTS,
        query = "select m.roomId, count(m) from Membership m where m.roomId in :rooms group by m.roomId")
@NamedQuery(
        name = Membership.OF_SENDERS,
        query = "select m from Membership m join fetch m.user where m.roomId in :rooms and m.userId in :users")
public class Membership {

    public static final String OF_ROOM = "Membership.ofRoom";
    public static final String COUNTS = "Membership.counts";
    public static final String OF_SENDERS = "Membership.ofSenders";

    public record Key(Long roomId, Long userId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "room_id")
    private Long roomId;

    @Id
    @Column(name = "user_id")
    private Long userId;

    @ManyToOne
    @JoinColumn(name = "user_id", insertable = false, updatable = false)
    private User user;

    @Column(name = "last_read_seq", nullable = false)
    private long lastReadSeq;

    @Column(name = "joined_at", nullable = false)
    private Instant joinedAt;

    protected Membership() {}

    public Membership(long roomId, long userId, long lastReadSeq) {
        this.roomId = roomId;
        this.userId = userId;
        this.lastReadSeq = lastReadSeq;
        this.joinedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Read markers only move forward. */
    public boolean markRead(long seq) {
        if (seq <= lastReadSeq) {
            return false;
        }
        lastReadSeq = seq;
        return true;
    }

    /** A member's own sends move their marker, so everything past it is someone else's. */
    public long unreadUpTo(long lastSeq) {
        return Math.max(0, lastSeq - lastReadSeq);
    }

    public long roomId() {
        return roomId;
    }

    public long userId() {
        return userId;
    }

    public User user() {
        return user;
    }

    public long lastReadSeq() {
        return lastReadSeq;
    }

    public Instant joinedAt() {
        return joinedAt;
    }

    /** The owner is the room's, not the membership's: one fact, kept in one place. */
    public Member view(long ownerId) {
        return new Member(
                user.id(),
                user.username(),
                user.displayName(),
                userId == ownerId ? "owner" : "member",
                lastReadSeq,
                joinedAt);
    }
}
