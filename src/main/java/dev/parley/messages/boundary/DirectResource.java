package dev.parley.messages.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.messages.control.Directs;
import dev.parley.messages.control.SendLine;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.DirectRoom;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("direct")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
// one instance for all requests, as MessagesResource: it carries sends too
@ApplicationScoped
public class DirectResource {

    @Inject
    Caller caller;

    @Inject
    Directs directs;

    @Inject
    SendLine sendLine;

    @Inject
    Rooms rooms;

    @GET
    public List<DirectRoom> list() {
        return rooms.directsOf(caller.user());
    }

    /** 201 with the message and its room_id; a repeated client_id: 200 with the first one. */
    @POST
    @Path("{username}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponseSchema(value = ChatMessage.class, responseCode = "201", responseDescription = "posted")
    @APIResponse(responseCode = "200", description = "a repeated client_id: the first message, unchanged")
    public Response send(
            @PathParam("username") String username,
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "NewMessage")))
                    String body) {
        var sender = caller.user();
        var draft = Sends.draft(body);
        return Sends.answer(sendLine.run(() -> directs.send(sender, username, draft)));
    }
}
