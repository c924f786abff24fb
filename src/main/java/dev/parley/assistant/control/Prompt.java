package dev.parley.assistant.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.messages.entity.ChatMessage;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.util.List;

/**
 * The chat-completion request for one reply: a short system prompt, then the room's recent
 * messages oldest first, the assistant's own as assistant turns and everyone else's as user
 * turns that start with the sender's display name, so the model knows who said what.
 */
public record Prompt(String model, int maxTokens, String system) {

    private static final JsonProvider JSON = JsonProvider.provider();

    /** The request body, streamed; {@code context} holds only the room's messages, ascending. */
    public String request(List<ChatMessage> context) {
        JsonArrayBuilder turns = JSON.createArrayBuilder().add(turn("system", system));
        for (ChatMessage m : context) {
            if (m.deleted() || m.content() == null) {
                continue;
            }
            turns.add(
                    Accounts.isAssistant(m.sender())
                            ? turn("assistant", m.content())
                            : turn("user", m.senderName() + ": " + m.content()));
        }
        return JSON.createObjectBuilder()
                .add("model", model)
                .add("stream", true)
                .add("max_tokens", maxTokens)
                .add("messages", turns)
                .build()
                .toString();
    }

    private static JsonObjectBuilder turn(String role, String content) {
        return JSON.createObjectBuilder().add("role", role).add("content", content);
    }
}
