package dev.parley.realtime.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.realtime.control.SessionRegistry;
import dev.parley.realtime.entity.ServerFrame;
import dev.parley.rooms.control.Rooms;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("rooms/{id}/presence")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
public class PresenceResource {

    @Schema(name = "PresenceList")
    public record Online(List<ServerFrame.Online> online) {}

    @Inject
    Caller caller;

    @Inject
    Rooms rooms;

    @Inject
    SessionRegistry registry;

    @GET
    public Online presence(@PathParam("id") long roomId) {
        rooms.requireMember(caller.user(), roomId);
        return new Online(registry.online(roomId));
    }
}
