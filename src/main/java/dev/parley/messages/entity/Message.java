package dev.parley.messages.entity;

import dev.parley.accounts.entity.User;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.StringJoiner;

@Entity
@Table(name = "messages")
// Keyset pages: exclusive bounds, read upwards from `after` or downwards from `before`.
@NamedQuery(name = Message.PAGE_UP, query = """
        select m from Message m join fetch m.sender
        where m.roomId = :room and m.seq > :after and m.seq < :before order by m.seq asc""")
@NamedQuery(name = Message.PAGE_DOWN, query = """
        select m from Message m join fetch m.sender
        where m.roomId = :room and m.seq > :after and m.seq < :before order by m.seq desc""")
@NamedQuery(name = Message.OF_ROOM_DELETE, query = "delete from Message m where m.roomId = :room")
@NamedQuery(name = Message.BY_SEQ, query = """
        select m from Message m join fetch m.sender where m.roomId = :room and m.seq = :seq""")
@NamedQuery(name = Message.CHANGED_SINCE, query = """
        select m from Message m join fetch m.sender
        where m.roomId in :rooms and m.changedAt >= :since order by m.changedAt, m.seq""")
public class Message {

    public static final String PAGE_UP = "Message.pageUp";
    public static final String PAGE_DOWN = "Message.pageDown";
    public static final String OF_ROOM_DELETE = "Message.ofRoomDelete";
    public static final String BY_SEQ = "Message.bySeq";
    public static final String CHANGED_SINCE = "Message.changedSince";

    public static final String TEXT = "text";

    @Id
    @SequenceGenerator(name = "messages_seq", sequenceName = "messages_seq", allocationSize = 1000)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "messages_seq")
    private Long id;

    @Column(name = "room_id", nullable = false)
    private long roomId;

    @Column(nullable = false)
    private long seq;

    @ManyToOne(optional = false)
    @JoinColumn(name = "sender_id", nullable = false)
    private User sender;

    /** The content column's size (V1__schema.sql): no configured limit may exceed it. */
    public static final int CONTENT_COLUMN = 4000;

    @Column(nullable = false, length = CONTENT_COLUMN)
    private String content;

    @Column(name = "message_type", nullable = false, length = 20)
    private String messageType;

    @Column(name = "client_id", length = 64)
    private String clientId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "edited_at")
    private Instant editedAt;

    @Column(nullable = false)
    private boolean deleted;

    // the last edit or delete, for replaying changes a cluster node missed
    @Column(name = "changed_at")
    private Instant changedAt;

    @Column(name = "reply_to")
    private Long replyTo;

    protected Message() {}

    public Message(long roomId, long seq, User sender, String content, String messageType, String clientId) {
        this.roomId = roomId;
        this.seq = seq;
        this.sender = sender;
        this.content = content;
        this.messageType = messageType;
        this.clientId = clientId;
        this.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public ChatMessage view() {
        return new ChatMessage(
                id,
                roomId,
                seq,
                sender.id(),
                sender.username(),
                sender.displayName(),
                deleted ? null : content,
                messageType,
                clientId,
                createdAt,
                editedAt,
                deleted,
                replyTo);
    }

    /** Marks this message as the answer to the message {@code seq} of the same room. */
    public Message replyingTo(long seq) {
        this.replyTo = seq;
        return this;
    }

    public void edit(String newContent) {
        content = newContent;
        editedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        changedAt = editedAt;
    }

    /** A tombstone: the seq stays, the content goes. */
    public void delete() {
        content = "";
        deleted = true;
        changedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public boolean isDeleted() {
        return deleted;
    }

    public long senderId() {
        return sender.id();
    }

    public long seq() {
        return seq;
    }

    public long roomId() {
        return roomId;
    }

    public String clientId() {
        return clientId;
    }

    /**
     * The query for earlier messages by their whole idempotency key (room, sender, client_id), with
     * parameters {@code clientIds} and {@code r}, {@code s}, {@code c} numbered from 0 for each key.
     * Not a named query, since the number of keys follows the batch. The exact keys let PostgreSQL
     * probe the unique idempotency index once per key, even on a table it has no statistics for;
     * the {@code client_id in} lets H2, which scans for an {@code or}, use the index led by
     * client_id. Either way the cost follows the batch, not the length of its rooms: {@code
     * room_id in (…) and client_id in (…)} was planned on PostgreSQL as a scan of every message of
     * the batch's rooms, and grew with them.
     */
    public static String byClientKeys(int keys) {
        var exact = new StringJoiner(" or ", "(", ")");
        for (int i = 0; i < keys; i++) {
            exact.add("(m.roomId = :r" + i + " and m.sender.id = :s" + i + " and m.clientId = :c" + i + ")");
        }
        return "select m from Message m join fetch m.sender where m.clientId in :clientIds and " + exact;
    }
}
