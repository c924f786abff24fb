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

@Path("rooms/{id}/members")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
public class MembersResource {

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
    public Response join() {
        memberships.join(caller.user(), roomId);
        return Response.noContent().build();
    }

    @DELETE
    @Path("me")
    public Response leave() {
        memberships.leave(caller.user(), roomId);
        return Response.noContent().build();
    }

    /** 201 for a new member, 200 when they already were one. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(String body) {
        JsonInput input = JsonInput.parse(body);
        String username = input.string("username", 1, 32, true);
        input.validate();
        boolean added = memberships.add(caller.user(), roomId, username);
        return Response.status(added ? Response.Status.CREATED : Response.Status.OK)
                .entity(memberships.member(roomId, username))
                .build();
    }
}
