package dev.parley.assistant.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.User;
import dev.parley.messages.control.History;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.messages.entity.MessageDeleted;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.Room;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Finds the messages that ask the assistant. Committed messages are looked at after commit, off
 * the committing thread (it reads the database): a mention where the room's owner turned the
 * assistant on, or any message in a direct room with it. A trigger within the sender's limit
 * becomes a request with the room's latest messages, handed to {@link Replies}.
 */
@ApplicationScoped
public class Assistant {

    private static final int KNOWN_ROOMS = 100_000;

    /** Whether a room is a direct room with the assistant: it never changes, so it is read once per room. */
    private final Map<Long, Boolean> directWithAssistant = new ConcurrentHashMap<>();

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
    Replies replies;

    @Inject
    RateLimits limits;

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

    void posted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessagePosted event) {
        ChatMessage message = event.message();
        if (model.configured() && !Accounts.isAssistant(message.sender())) {
            threads.decide(() -> consider(message));
        }
    }

    void deleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageDeleted event) {
        replies.cancel(event.roomId(), event.seq());
    }

    private void consider(ChatMessage message) {
        boolean mentioned = Mentions.assistantIn(message.content());
        if (!mentioned && Boolean.FALSE.equals(directWithAssistant.get(message.roomId()))) {
            // the common case: no mention, in a room known not to be the assistant's direct room
            return;
        }
        User sender = accounts.byUsername(message.sender()).orElse(null);
        if (sender == null) {
            return;
        }
        User assistant = accounts.assistant();
        Room room;
        try {
            room = rooms.visible(sender, message.roomId()).room();
        } catch (Refusal gone) {
            return;
        }
        // the sender of a message in a direct room is one of its pair, so this is the room's own fact
        boolean direct = room.isDirectBetween(sender.id(), assistant.id());
        if (directWithAssistant.size() >= KNOWN_ROOMS) {
            directWithAssistant.clear();
        }
        directWithAssistant.put(room.id(), direct);
        boolean asked = direct || (room.assistant() && mentioned);
        if (!asked) {
            return;
        }
        Reply reply = new Reply(room.id(), UUID.randomUUID().toString(), message.seq());
        long wait = limits.takeAssistant(sender.username());
        if (wait > 0) {
            replies.fail(reply, "rate_limited", "too many requests for the assistant", secondsOf(wait));
            return;
        }
        // read here, before the stream, in a transaction of its own that ends at once
        String request = new Prompt(modelName, maxTokens, systemPrompt)
                .request(history.between(room.id(), Math.max(0, message.seq() - contextMessages), message.seq() + 1));
        replies.start(reply, assistant, request);
    }

    private static long secondsOf(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }
}
