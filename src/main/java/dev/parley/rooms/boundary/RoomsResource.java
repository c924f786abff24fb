package dev.parley.rooms.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.platform.control.JsonInput;
import dev.parley.rooms.control.Memberships;
import dev.parley.rooms.control.RoomDirectory;
import dev.parley.rooms.control.Rooms;
import dev.parley.rooms.entity.Room;
import dev.parley.rooms.entity.RoomSummary;
import dev.parley.rooms.entity.Visibility;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("rooms")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
public class RoomsResource {

    // the bodies' shapes, for /openapi: JsonInput reads and checks them
    record NewRoom(
            @Schema(required = true, maxLength = 100) String name,
            @Schema(maxLength = 500) String topic,

            @Schema(
                    enumeration = {"public", "private"},
                    defaultValue = "public")
            String visibility) {}

    record ReadUpTo(@Schema(required = true, minimum = "0") long seq) {}

    @Inject
    Caller caller;

    @Inject
    Rooms rooms;

    @Inject
    RoomDirectory directory;

    @Inject
    Memberships memberships;

    @GET
    public List<RoomSummary> list() {
        return directory.listedFor(caller.user());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponseSchema(value = RoomSummary.class, responseCode = "201", responseDescription = "created")
    public Response create(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "NewRoom")))
                    String body,
            @Context UriInfo uri) {
        JsonInput input = JsonInput.parse(body);
        String name = input.name("name", 1, 100, true);
        String topic = input.string("topic", 0, 500, false);
        String visibilityName = input.string("visibility", 1, 10, false);
        Visibility visibility = visibilityName == null
                ? Visibility.PUBLIC
                : Visibility.fromWire(visibilityName)
                        .filter(v -> v != Visibility.DIRECT)
                        .orElse(null);
        if (visibility == null) {
            input.reject("visibility", "must be \"public\" or \"private\"");
        }
        input.validate();
        Room room = rooms.create(caller.user(), name.strip(), topic, visibility);
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(String.valueOf(room.id()))
                        .build())
                .entity(rooms.summary(caller.user(), room.id()))
                .build();
    }

    @GET
    @Path("{id}")
    public RoomSummary room(@PathParam("id") long id) {
        return rooms.summary(caller.user(), id);
    }

    /** The owner changes the room's settings; so far the one setting is {@code assistant}. */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public RoomSummary settings(@PathParam("id") long id, String body) {
        JsonInput input = JsonInput.parse(body);
        Boolean assistant = input.bool("assistant", true);
        input.validate();
        return rooms.assistant(caller.user(), id, assistant);
    }

    /** Moves the caller's read marker forward; a lower seq leaves it where it is. */
    @POST
    @Path("{id}/read")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "204", description = "the read marker moved (never back)")
    public Response read(
            @PathParam("id") long id,
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "ReadUpTo")))
                    String body) {
        JsonInput input = JsonInput.parse(body);
        Long seq = input.number("seq", true);
        input.validate();
        memberships.markRead(caller.user(), id, seq);
        return Response.noContent().build();
    }
}
