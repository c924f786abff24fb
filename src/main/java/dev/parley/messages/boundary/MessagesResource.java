package dev.parley.messages.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.messages.control.GroupCommit;
import dev.parley.messages.control.History;
import dev.parley.messages.control.Messages;
import dev.parley.messages.control.SendLine;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.messages.entity.HistoryPage;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.platform.control.JsonInput;
import dev.parley.platform.control.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("rooms/{id}/messages")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
// one instance for all requests: built per request, with its injections, it cost more CPU than
// storing the message it carries (docs/performance.md)
@ApplicationScoped
public class MessagesResource {

    /** An edit's body, for /openapi. */
    record NewContent(@Schema(required = true) String content) {}

    @Inject
    Caller caller;

    @Inject
    Messages messages;

    @Inject
    GroupCommit groupCommit;

    @Inject
    SendLine sendLine;

    @Inject
    History history;

    @Inject
    @ConfigProperty(name = "parley.history.max-limit", defaultValue = "200")
    int maxLimit;

    /** 201 for a new message; 200 with the first one when the client_id was seen before. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponseSchema(value = ChatMessage.class, responseCode = "201", responseDescription = "posted")
    @APIResponse(responseCode = "200", description = "a repeated client_id: the first message, unchanged")
    public Response post(
            @PathParam("id") long roomId,
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "NewMessage")))
                    String body) {
        var sender = caller.user();
        var draft = Sends.draft(body);
        return Sends.answer(sendLine.run(() -> groupCommit.post(sender, roomId, draft)));
    }

    @GET
    public HistoryPage page(
            @PathParam("id") long roomId,
            @QueryParam("before") String before,
            @QueryParam("after") String after,
            @QueryParam("limit") String limit) {
        long limitValue = limit == null ? 50 : seq("limit", limit);
        if (limitValue < 1 || limitValue > maxLimit) {
            throw Refusal.invalid("limit", "must be 1 to " + maxLimit);
        }
        return history.page(
                caller.user(),
                roomId,
                before == null ? null : seq("before", before),
                after == null ? null : seq("after", after),
                (int) limitValue);
    }

    @GET
    @Path("{seq}")
    public ChatMessage one(@PathParam("id") long roomId, @PathParam("seq") long seq) {
        return history.one(caller.user(), roomId, seq);
    }

    @PATCH
    @Path("{seq}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ChatMessage edit(
            @PathParam("id") long roomId,
            @PathParam("seq") long seq,
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "NewContent")))
                    String body) {
        JsonInput input = JsonInput.parse(body);
        String content = input.string("content", 0, Integer.MAX_VALUE, true);
        input.validate();
        return messages.edit(caller.user(), roomId, seq, content);
    }

    @DELETE
    @Path("{seq}")
    @APIResponse(responseCode = "204", description = "deleted: a tombstone stays")
    public Response delete(@PathParam("id") long roomId, @PathParam("seq") long seq) {
        messages.delete(caller.user(), roomId, seq);
        return Response.noContent().build();
    }

    private static long seq(String name, String value) {
        try {
            long number = Long.parseLong(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw Refusal.invalid(name, "must be a whole number of at least 0");
    }
}
