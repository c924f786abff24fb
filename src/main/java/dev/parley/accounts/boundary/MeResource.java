package dev.parley.accounts.boundary;

import dev.parley.accounts.control.Caller;
import dev.parley.accounts.entity.Profile;
import dev.parley.platform.boundary.ParleyApplication;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("me")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ParleyApplication.USER)
@SecurityRequirement(name = ParleyApplication.BEARER)
public class MeResource {

    @Inject
    Caller caller;

    @GET
    public Profile me() {
        return caller.user().profile();
    }
}
