package dev.parley.assistant.control;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/**
 * One line of a streamed chat completion, as OpenAI-compatible servers send it: Server-Sent
 * Events whose {@code data:} is a chunk ({@code choices[0].delta.content}), ending with
 * {@code data: [DONE]}. Comments, blank lines and other fields carry nothing.
 */
public record ChunkLine(String delta, boolean done) {

    static final ChunkLine NOTHING = new ChunkLine("", false);
    static final ChunkLine END = new ChunkLine("", true);

    // the provider found once: Json.create* would search the class path for it on every call
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Reads one line; a data line that is not a chunk is a {@link ModelFailure} ({@code upstream_error}). */
    public static ChunkLine parse(String line) {
        if (!line.startsWith("data:")) {
            return NOTHING;
        }
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
            return END;
        }
        JsonObject chunk;
        try (var reader = JSON.createReader(new StringReader(data))) {
            chunk = reader.readObject();
        } catch (JsonException | IllegalStateException malformed) {
            throw new ModelFailure("upstream_error", "the model server sent a malformed chunk", null);
        }
        if (chunk.containsKey("error")) {
            throw new ModelFailure("upstream_error", "the model server reported an error mid-stream", null);
        }
        JsonValue choices = chunk.get("choices");
        if (!(choices instanceof JsonArray list) || list.isEmpty() || !(list.get(0) instanceof JsonObject choice)) {
            // usage-only chunks and keep-alives carry no text
            return NOTHING;
        }
        JsonValue delta = choice.get("delta");
        if (delta instanceof JsonObject d && d.get("content") instanceof JsonString content) {
            return new ChunkLine(content.getString(), false);
        }
        return NOTHING;
    }
}
