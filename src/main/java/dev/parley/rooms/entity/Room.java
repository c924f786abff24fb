package dev.parley.rooms.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

@Entity
@Table(name = "rooms")
@NamedQuery(name = Room.DIRECT, query = "select r from Room r where r.directKey = :key")
@NamedQuery(name = Room.DIRECT_FOR, query = """
        select r, m1, m2 from Room r, Membership m1, Membership m2
        where m1.roomId = r.id and m1.userId = :user and m2.roomId = r.id and m2.userId <> :user
          and r.visibility = dev.parley.rooms.entity.Visibility.DIRECT
        order by r.lastSeq desc, r.id""")
@NamedQuery(name = Room.DIRECT_IDS_FOR, query = """
        select r.id from Room r, Membership m
        where m.roomId = r.id and m.userId = :user and r.visibility = dev.parley.rooms.entity.Visibility.DIRECT""")
// a batch of sends locks its rooms in one statement, in id order, so two batches never deadlock
@NamedQuery(
        name = Room.FOR_SEND,
        query = "select r from Room r where r.id in :rooms order by r.id",
        lockMode = LockModeType.PESSIMISTIC_WRITE)
@NamedQuery(name = Room.LAST_SEQS, query = "select r.id, r.lastSeq from Room r where r.id in :rooms")
@NamedQuery(name = Room.JOINED_BY, query = """
        select r, m from Room r, Membership m where m.roomId = r.id and m.userId = :user""")
@NamedQuery(name = Room.SEQS_JOINED_BY, query = """
        select r.id, r.lastSeq from Room r, Membership m where m.roomId = r.id and m.userId = :user""")
@NamedQuery(name = Room.PUBLIC_NOT_JOINED, query = """
        select r from Room r where r.visibility = dev.parley.rooms.entity.Visibility.PUBLIC
          and not exists (select m from Membership m where m.roomId = r.id and m.userId = :user)
        order by r.id desc""")
public class Room {

    public static final String JOINED_BY = "Room.joinedBy";
    public static final String PUBLIC_NOT_JOINED = "Room.publicNotJoined";
    public static final String SEQS_JOINED_BY = "Room.seqsJoinedBy";
    public static final String DIRECT = "Room.direct";
    public static final String DIRECT_FOR = "Room.directFor";
    public static final String DIRECT_IDS_FOR = "Room.directIdsFor";
    public static final String LAST_SEQS = "Room.lastSeqs";
    public static final String FOR_SEND = "Room.forSend";

    @Id
    @SequenceGenerator(name = "rooms_seq", sequenceName = "rooms_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "rooms_seq")
    private Long id;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(length = 500)
    private String topic;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    private Visibility visibility;

    @Column(name = "owner_id", nullable = false)
    private long ownerId;

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "direct_key", length = 41)
    private String directKey;

    /** Whether a mention of the assistant in this room asks it for a reply; the owner's choice. */
    @Column(nullable = false)
    private boolean assistant;

    protected Room() {}

    /** The one two-person room of a pair, whoever writes first. */
    public static Room direct(long firstUserId, long secondUserId) {
        Room room = new Room("direct", null, Visibility.DIRECT, Math.min(firstUserId, secondUserId));
        room.directKey = directKey(firstUserId, secondUserId);
        return room;
    }

    public static String directKey(long a, long b) {
        return Math.min(a, b) + ":" + Math.max(a, b);
    }

    /** Whether this is the direct room of these two users. */
    public boolean isDirectBetween(long a, long b) {
        return isDirect() && directKey(a, b).equals(directKey);
    }

    public boolean isDirect() {
        return visibility == Visibility.DIRECT;
    }

    public Room(String name, String topic, Visibility visibility, long ownerId) {
        this.name = name;
        this.topic = topic;
        this.visibility = visibility;
        this.ownerId = ownerId;
        this.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Hands out the next seq; callers hold the row lock, so seqs are gap-free and in commit order. */
    public long nextSeq() {
        return ++lastSeq;
    }

    public boolean isPublic() {
        return visibility == Visibility.PUBLIC;
    }

    public void transferTo(long newOwnerId) {
        this.ownerId = newOwnerId;
    }

    public boolean assistant() {
        return assistant;
    }

    public void assistant(boolean on) {
        this.assistant = on;
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String topic() {
        return topic;
    }

    public Visibility visibility() {
        return visibility;
    }

    public long ownerId() {
        return ownerId;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
