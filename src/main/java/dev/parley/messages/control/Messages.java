package dev.parley.messages.control;

import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Message;
import dev.parley.messages.entity.MessageDeleted;
import dev.parley.messages.entity.MessageEdited;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.platform.control.UnicodeText;
import dev.parley.platform.entity.FieldError;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.Room;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Messages: the checks every send passes first ({@link #admit}), the assistant's replies, edits and
 * deletes. Sends themselves are stored by {@link SendBatch}, through {@link GroupCommit}, so REST
 * and WebSocket sends share validation, membership, idempotency and seq; every event fired here
 * or there is observed only after commit.
 */
@ApplicationScoped
@Transactional
public class Messages {

    private static final Logger LOG = Logger.getLogger(Messages.class.getName());

    public static final int MAX_CLIENT_ID = 64;

    @PersistenceContext
    EntityManager em;

    @Inject
    Rooms rooms;

    @Inject
    Event<MessagePosted> posted;

    @Inject
    RateLimits rateLimits;

    @Inject
    Event<MessageEdited> edited;

    @Inject
    Event<MessageDeleted> deleted;

    @Inject
    @ConfigProperty(name = "parley.message.max-length", defaultValue = "4000")
    int maxLength;

    @PostConstruct
    void checkAgainstSchema() {
        if (maxLength > Message.CONTENT_COLUMN) {
            // past the column the database would refuse the insert, as a 500: hold the limit to it instead
            LOG.severe(() -> "parley.message.max-length=" + maxLength + " is larger than the content column ("
                    + Message.CONTENT_COLUMN + " characters); using " + Message.CONTENT_COLUMN);
            maxLength = Message.CONTENT_COLUMN;
        }
    }

    /**
     * What a send must pass before it waits for the database: its text and its sender's
     * allowance. {@link GroupCommit} calls it on the sender's own thread, then stores the send
     * with others ({@link SendBatch}).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public void admit(User sender, Draft draft) {
        check(draft);
        rateLimits.takeMessage(sender.username());
    }

    /**
     * The assistant's finished reply to the message {@code replyTo}: the same checks, seq and
     * after-commit event as any message, but it needs no membership (an owner asks it into a
     * room without adding it) and spends no one's message allowance. Refused with 409 when the
     * message it answers was deleted meanwhile, so a cancelled reply is never stored.
     */
    public ChatMessage reply(User assistant, long roomId, String content, long replyTo) {
        check(new Draft(content, null, null));
        Room room = rooms.lockForSend(roomId);
        if (find(roomId, replyTo).isDeleted()) {
            throw Refusal.conflict("message " + replyTo + " was deleted");
        }
        User sender = em.getReference(User.class, assistant.id());
        return store(new Message(roomId, room.nextSeq(), sender, content, Message.TEXT, null).replyingTo(replyTo));
    }

    private ChatMessage store(Message message) {
        em.persist(message);
        em.flush();
        ChatMessage view = message.view();
        posted.fire(new MessagePosted(view));
        return view;
    }

    /** Only the sender edits; the seq stays and edited_at records when. */
    public ChatMessage edit(User editor, long roomId, long seq, String content) {
        check(new Draft(content, null, null));
        rateLimits.takeMessage(editor.username());
        rooms.requireMember(editor, roomId);
        Message message = find(roomId, seq);
        if (message.senderId() != editor.id()) {
            throw Refusal.forbidden("only the sender may edit message " + seq);
        }
        if (message.isDeleted()) {
            throw Refusal.conflict("message " + seq + " was deleted");
        }
        message.edit(content);
        ChatMessage view = message.view();
        edited.fire(new MessageEdited(view));
        return view;
    }

    /**
     * The sender or the room's owner deletes; a tombstone keeps the seq. A delete spends the
     * deleter's message allowance like a send or an edit: each is a frame to every member, and a
     * history stored at the sending pace must not come back as one burst.
     */
    public void delete(User deleter, long roomId, long seq) {
        rateLimits.takeMessage(deleter.username());
        Room room = rooms.visible(deleter, roomId).room();
        rooms.requireMember(deleter, roomId);
        Message message = find(roomId, seq);
        if (message.senderId() != deleter.id() && room.ownerId() != deleter.id()) {
            throw Refusal.forbidden("only the sender or the room's owner may delete message " + seq);
        }
        tombstone(roomId, message);
    }

    /** An admin deletes any message: the same tombstone and broadcast as the sender's own delete. */
    public void moderate(long roomId, long seq) {
        tombstone(roomId, find(roomId, seq));
    }

    private void tombstone(long roomId, Message message) {
        if (!message.isDeleted()) {
            message.delete();
            deleted.fire(
                    new MessageDeleted(roomId, message.seq(), message.view().id()));
        }
    }

    private Message find(long roomId, long seq) {
        return em.createNamedQuery(Message.BY_SEQ, Message.class)
                .setParameter("room", roomId)
                .setParameter("seq", seq)
                .getResultStream()
                .findFirst()
                .orElseThrow(() -> Refusal.notFound("no message " + seq + " in room " + roomId));
    }

    private void check(Draft draft) {
        String content = draft.content();
        if (content != null && content.length() > maxLength) {
            throw Refusal.tooLong("content", maxLength);
        }
        List<FieldError> errors = new ArrayList<>();
        // the boundaries refuse malformed text already; this path stores it, so it checks again
        if (content == null || UnicodeText.isBlank(content)) {
            errors.add(new FieldError("content", "must not be blank"));
        } else if (UnicodeText.defect(content) != null) {
            errors.add(new FieldError("content", UnicodeText.defect(content)));
        }
        String clientId = draft.clientId();
        if (clientId != null && (UnicodeText.isBlank(clientId) || clientId.length() > MAX_CLIENT_ID)) {
            errors.add(new FieldError("client_id", "must be 1 to " + MAX_CLIENT_ID + " characters"));
        } else if (clientId != null && UnicodeText.defect(clientId) != null) {
            errors.add(new FieldError("client_id", UnicodeText.defect(clientId)));
        }
        if (draft.messageType() != null && !Message.TEXT.equals(draft.messageType())) {
            errors.add(new FieldError("message_type", "must be \"text\""));
        }
        if (!errors.isEmpty()) {
            throw Refusal.invalid(errors);
        }
    }
}
