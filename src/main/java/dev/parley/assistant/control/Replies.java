package dev.parley.assistant.control;

import dev.parley.accounts.entity.User;
import dev.parley.cluster.control.Fanout;
import dev.parley.messages.control.Messages;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.entity.ServerFrame;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The replies in flight, at most one per room: each streams on a thread of its own with no
 * transaction open, its chunks going through the room's lane (and the cluster bus), and ends
 * either saved through {@link Messages} (a normal {@code message} frame) or as an
 * {@code ai_error} to the room.
 */
@ApplicationScoped
public class Replies {

    private static final Logger LOG = Logger.getLogger(Replies.class.getName());

    @Inject
    ModelServer model;

    @Inject
    AssistantThreads threads;

    @Inject
    Messages messages;

    @Inject
    Fanout fanout;

    private final Map<Long, Reply> inFlight = new ConcurrentHashMap<>();

    /** Starts the reply unless its room has one in flight or every streaming thread is taken ({@code busy}). */
    void start(Reply reply, User assistant, String request) {
        if (inFlight.putIfAbsent(reply.roomId(), reply) != null) {
            fail(reply, "busy", "the assistant is still answering in this room", null);
            return;
        }
        try {
            threads.stream(() -> answer(reply, assistant, request));
        } catch (RejectedExecutionException full) {
            inFlight.remove(reply.roomId(), reply);
            fail(reply, "busy", "the assistant is answering in too many rooms", null);
        }
    }

    /** The message {@code seq} was deleted: the reply to it, if streaming here, ends unsaved. */
    void cancel(long roomId, long seq) {
        Reply reply = inFlight.get(roomId);
        if (reply != null && reply.replyTo() == seq && reply.cancel()) {
            inFlight.remove(roomId, reply);
            fail(reply, "cancelled", "the message it answered was deleted", null);
        }
    }

    // a read blocked on the model server would otherwise hold its thread until the timeout
    @PreDestroy
    void stop() {
        inFlight.values().forEach(Reply::cancel);
    }

    void fail(Reply reply, String code, String message, Long retryAfter) {
        fanout.announce(
                reply.roomId(),
                new ServerFrame.AiError(reply.roomId(), reply.streamId(), reply.replyTo(), code, message, retryAfter));
    }

    private void answer(Reply reply, User assistant, String request) {
        try {
            model.stream(
                    request,
                    reply,
                    (index, delta) -> fanout.announce(
                            reply.roomId(),
                            new ServerFrame.AiChunk(reply.roomId(), reply.streamId(), reply.replyTo(), index, delta)));
            String text = reply.finish();
            if (text != null) {
                save(reply, assistant, text);
            }
        } catch (ModelFailure failure) {
            if (reply.end()) {
                fail(reply, failure.code(), failure.getMessage(), failure.retryAfter());
            }
        } catch (RuntimeException unexpected) {
            LOG.log(Level.SEVERE, "an assistant reply failed", unexpected);
            if (reply.end()) {
                fail(reply, "internal", "the reply failed", null);
            }
        } finally {
            inFlight.remove(reply.roomId(), reply);
        }
    }

    private void save(Reply reply, User assistant, String text) {
        try {
            messages.reply(assistant, reply.roomId(), text, reply.replyTo());
        } catch (Refusal refused) {
            switch (refused.code()) {
                case "conflict" -> fail(reply, "cancelled", "the message it answered was deleted", null);
                case "too_long" -> fail(reply, "too_long", "the reply is longer than a message may be", null);
                case "invalid" -> fail(reply, "upstream_error", "the model server sent no usable text", null);
                default -> LOG.fine(() -> "a reply was not saved: " + refused.code());
            }
        }
    }
}
