package dev.parley.messages.boundary;

import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.JsonInput;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Reading a send's body and answering it, the same for room and direct messages. */
final class Sends {

    private Sends() {}

    /** A send's body, for /openapi. */
    record NewMessage(
            @Schema(required = true) String content,

            @Schema(description = "the client's own id: a repeat is answered 200 with the first message")
            String clientId,

            @Schema(description = "a client-defined kind, text by default")
            String messageType) {}

    /** Only types are checked here: lengths are the send path's to judge, for REST and socket alike. */
    static Draft draft(String body) {
        JsonInput input = JsonInput.parse(body);
        String content = input.string("content", 0, Integer.MAX_VALUE, true);
        String clientId = input.string("client_id", 0, Integer.MAX_VALUE, false);
        String type = input.string("message_type", 0, Integer.MAX_VALUE, false);
        input.validate();
        return new Draft(content, clientId, type);
    }

    /** 201 at the message's own address (relative: JAX-RS resolves it against the application root); 200 with the first message when the client_id was seen before. */
    static Response answer(Posted posted) {
        var message = posted.message();
        return posted.duplicate()
                ? Response.ok(message).build()
                : Response.created(URI.create("rooms/" + message.roomId() + "/messages/" + message.seq()))
                        .entity(message)
                        .build();
    }
}
