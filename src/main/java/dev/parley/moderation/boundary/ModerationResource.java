package dev.parley.moderation.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.moderation.control.Moderation;
import dev.parley.moderation.entity.LiveConnection;
import dev.parley.platform.boundary.ParleyApplication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** Admin routes; every one answers 403 to a caller who is not in {@code parley.admin.users}. */
@Path("admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
public class ModerationResource {

    @Inject
    Caller caller;

    @Inject
    Moderation moderation;

    @GET
    @Path("users/{username}/connections")
    public List<LiveConnection> connections(@PathParam("username") String username) {
        return moderation.connections(caller.user(), username);
    }

    @POST
    @Path("users/{username}/disconnect")
    public JsonObject disconnect(@PathParam("username") String username) {
        return Json.createObjectBuilder()
                .add("closed", moderation.disconnect(caller.user(), username))
                .build();
    }

    @PUT
    @Path("users/{username}/ban")
    @APIResponse(responseCode = "204", description = "banned: tokens refused, connections closed")
    public Response ban(@PathParam("username") String username) {
        moderation.ban(caller.user(), username);
        return Response.noContent().build();
    }

    @DELETE
    @Path("users/{username}/ban")
    @APIResponse(responseCode = "204", description = "unbanned")
    public Response unban(@PathParam("username") String username) {
        moderation.unban(caller.user(), username);
        return Response.noContent().build();
    }

    @DELETE
    @Path("rooms/{roomId}")
    @APIResponse(responseCode = "204", description = "deleted: members hear room_removed")
    public Response deleteRoom(@PathParam("roomId") long roomId) {
        moderation.deleteRoom(caller.user(), roomId);
        return Response.noContent().build();
    }

    @DELETE
    @Path("rooms/{roomId}/messages/{seq}")
    @APIResponse(responseCode = "204", description = "deleted: a tombstone stays")
    public Response deleteMessage(@PathParam("roomId") long roomId, @PathParam("seq") long seq) {
        moderation.deleteMessage(caller.user(), roomId, seq);
        return Response.noContent().build();
    }
}
