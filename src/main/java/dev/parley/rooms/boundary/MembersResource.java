package dev.parley.rooms.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.platform.control.JsonInput;
import dev.parley.rooms.control.Memberships;
import dev.parley.rooms.entity.Member;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("rooms/{id}/members")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
public class MembersResource {

    /** An addition's body, for /openapi. */
    record NewMember(@Schema(required = true) String username) {}

    @Inject
    Caller caller;

    @Inject
    Memberships memberships;

    @PathParam("id")
    long roomId;

    @GET
    public List<Member> members() {
        return memberships.members(caller.user(), roomId);
    }

    @PUT
    @Path("me")
    @APIResponse(responseCode = "204", description = "joined")
    public Response join() {
        memberships.join(caller.user(), roomId);
        return Response.noContent().build();
    }

    @DELETE
    @Path("me")
    @APIResponse(responseCode = "204", description = "left")
    public Response leave() {
        memberships.leave(caller.user(), roomId);
        return Response.noContent().build();
    }

    /** 201 for a new member, 200 when they already were one. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponseSchema(value = Member.class, responseCode = "201", responseDescription = "added")
    @APIResponse(responseCode = "200", description = "already a member")
    public Response add(
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "NewMember")))
                    String body) {
        JsonInput input = JsonInput.parse(body);
        String username = input.string("username", 1, 32, true);
        input.validate();
        boolean added = memberships.add(caller.user(), roomId, username);
        return Response.status(added ? Response.Status.CREATED : Response.Status.OK)
                .entity(memberships.member(roomId, username))
                .build();
    }
}
