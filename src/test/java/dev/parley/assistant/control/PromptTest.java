package dev.parley.assistant.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.messages.entity.ChatMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTest {

    @Test
    void theRoomsMessagesBecomeNamedUserTurnsAndTheAssistantsOwnAssistantTurns() {
        List<ChatMessage> context = List.of(
                message(1, "alice", "Alice Liddell", "hello", false),
                message(2, "bob", "bob", "gone", true),
                message(3, "assistant", "Assistant", "Hi Alice.", false),
                message(4, "bob", "bob", "@assistant and me?", false));

        JsonObject request = read(new Prompt("llama3.2", 300, "Be brief.").request(context));

        assertEquals("llama3.2", request.getString("model"));
        assertTrue(request.getBoolean("stream"));
        assertEquals(300, request.getInt("max_tokens"));
        assertEquals(
                List.of(
                        "system|Be brief.",
                        "user|Alice Liddell: hello",
                        "assistant|Hi Alice.",
                        "user|bob: @assistant and me?"),
                request.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                        .map(m -> m.getString("role") + "|" + m.getString("content"))
                        .toList());
    }

    private static ChatMessage message(long seq, String sender, String name, String content, boolean deleted) {
        return new ChatMessage(
                seq,
                8,
                seq,
                seq,
                sender,
                name,
                deleted ? null : content,
                "text",
                null,
                Instant.EPOCH,
                null,
                deleted,
                null);
    }

    private static JsonObject read(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
