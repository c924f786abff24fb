package dev.parley.assistant.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.User;
import dev.parley.cluster.control.Fanout;
import dev.parley.messages.control.History;
import dev.parley.messages.control.Messages;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.messages.entity.MessageDeleted;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.entity.ServerFrame;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.Room;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers the messages that ask the assistant. Committed messages are looked at after commit,
 * off the committing thread; a trigger passes the sender's limit and the room's one-reply rule,
 * then streams on a thread of its own with no transaction open, and ends either saved through
 * {@link Messages} (a normal {@code message} frame) or as an {@code ai_error} to the room.
 */
@ApplicationScoped
public class Assistant {

    private static final Logger LOG = Logger.getLogger(Assistant.class.getName());

    @Inject
    ModelServer model;

    @Inject
    AssistantThreads threads;

    @Inject
    Accounts accounts;

    @Inject
    Rooms rooms;

    @Inject
    History history;

    @Inject
    Messages messages;

    @Inject
    RateLimits limits;

    @Inject
    Fanout fanout;

    @Inject
    @ConfigProperty(name = "parley.ai.model", defaultValue = "llama3.2")
    String modelName;

    @Inject
    @ConfigProperty(name = "parley.ai.max-tokens", defaultValue = "800")
    int maxTokens;

    @Inject
    @ConfigProperty(name = "parley.ai.context-messages", defaultValue = "20")
    int contextMessages;

    @Inject
    @ConfigProperty(
            name = "parley.ai.system-prompt",
            defaultValue = "You are the assistant in a group chat. Each user turn starts with the"
                    + " name of the person speaking. Answer briefly, in plain text.")
    String systemPrompt;

    private final Map<Long, Reply> inFlight = new ConcurrentHashMap<>();

    void posted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessagePosted event) {
        ChatMessage message = event.message();
        if (model.configured() && !Accounts.isAssistant(message.sender())) {
            threads.decide(() -> consider(message));
        }
    }

    // a read blocked on the model server would otherwise hold its thread until the timeout
    @PreDestroy
    void stop() {
        inFlight.values().forEach(Reply::cancel);
    }

    void deleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageDeleted event) {
        Reply reply = inFlight.get(event.roomId());
        if (reply != null && reply.replyTo() == event.seq() && reply.cancel()) {
            inFlight.remove(event.roomId(), reply);
            fail(reply, "cancelled", "the message it answered was deleted", null);
        }
    }

    private void consider(ChatMessage message) {
        User sender = accounts.byUsername(message.sender()).orElse(null);
        User assistant = accounts.assistant();
        Room room;
        if (sender == null) {
            return;
        }
        try {
            room = rooms.visible(sender, message.roomId()).room();
        } catch (Refusal gone) {
            return;
        }
        boolean asked = room.isDirectBetween(sender.id(), assistant.id())
                || (room.assistant() && Mentions.assistantIn(message.content()));
        if (!asked) {
            return;
        }
        Reply reply = new Reply(room.id(), UUID.randomUUID().toString(), message.seq());
        long wait = limits.takeAssistant(sender.username());
        if (wait > 0) {
            fail(reply, "rate_limited", "too many requests for the assistant", secondsOf(wait));
            return;
        }
        if (inFlight.putIfAbsent(room.id(), reply) != null) {
            fail(reply, "busy", "the assistant is still answering in this room", null);
            return;
        }
        String request = new Prompt(modelName, maxTokens, systemPrompt)
                .request(history.between(room.id(), Math.max(0, message.seq() - contextMessages), message.seq() + 1));
        try {
            threads.stream(() -> answer(reply, assistant, request));
        } catch (RejectedExecutionException full) {
            inFlight.remove(room.id(), reply);
            fail(reply, "busy", "the assistant is answering in too many rooms", null);
        }
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

    private void fail(Reply reply, String code, String message, Long retryAfter) {
        fanout.announce(
                reply.roomId(),
                new ServerFrame.AiError(reply.roomId(), reply.streamId(), reply.replyTo(), code, message, retryAfter));
    }

    private static long secondsOf(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }
}
