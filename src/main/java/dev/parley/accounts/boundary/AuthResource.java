package dev.parley.accounts.boundary;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.control.Bans;
import dev.parley.accounts.control.Caller;
import dev.parley.accounts.control.DeviceProofs;
import dev.parley.accounts.control.Passwords;
import dev.parley.accounts.control.Revocations;
import dev.parley.accounts.control.Tokens;
import dev.parley.accounts.entity.IssuedToken;
import dev.parley.accounts.entity.Profile;
import dev.parley.accounts.entity.User;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.platform.control.JsonInput;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

@Path("auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    // the bodies' shapes, for /openapi: JsonInput reads and checks them
    record Registration(
            @Schema(required = true, minLength = 3, maxLength = 32, pattern = "[A-Za-z0-9_.-]+")
            String username,

            @Schema(required = true, minLength = Passwords.MIN_LENGTH, maxLength = Passwords.MAX_LENGTH)
            String password,

            @Schema(maxLength = 64) String displayName) {}

    record Credentials(
            @Schema(required = true) String username,
            @Schema(required = true) String password,

            @Schema(maxLength = 200, description = "the device proof of this user's last login on this client")
            String device) {}

    @Inject
    Accounts accounts;

    @Inject
    Passwords passwords;

    @Inject
    Tokens tokens;

    @Inject
    Caller caller;

    @Inject
    RateLimits rateLimits;

    @Inject
    DeviceProofs devices;

    @Inject
    Bans bans;

    @Inject
    Revocations revocations;

    @Inject
    JsonWebToken jwt;

    @POST
    @Path("register")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponseSchema(value = Profile.class, responseCode = "201", responseDescription = "registered")
    public Response register(
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "Registration")))
                    String body) {
        requireLocalAccounts();
        JsonInput input = JsonInput.parse(body);
        String username = input.string("username", 3, 32, true);
        if (username != null && !Accounts.USERNAME.matcher(username).matches()) {
            input.reject("username", "may only hold letters, digits, '_', '.' and '-'");
        }
        String password = input.string("password", Passwords.MIN_LENGTH, Passwords.MAX_LENGTH, true);
        String displayName = input.name("display_name", 1, 64, false);
        input.validate();
        rateLimits.takeAuthFor(username);
        // hashed before the transaction starts: the hash takes a while and holds no connection
        String hash = passwords.hash(password);
        Profile profile = accounts.register(username, displayName == null ? null : displayName.strip(), hash)
                .profile();
        rateLimits.succeededFor(username);
        return Response.created(URI.create("me")).entity(profile).build();
    }

    @POST
    @Path("login")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public IssuedToken login(
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(ref = "Credentials")))
                    String body) {
        requireLocalAccounts();
        JsonInput input = JsonInput.parse(body);
        String username = input.string("username", 1, 200, true);
        String password = input.string("password", 1, Passwords.MAX_LENGTH, true);
        String proof = input.string("device", 1, 200, false);
        input.validate();
        // a device that signed in as this user before is limited on its own, not with the name
        String device = devices.deviceOf(proof, username).orElse(null);
        if (device != null) {
            rateLimits.takeAuthForDevice(device);
        } else {
            rateLimits.takeAuthFor(username);
        }
        User user = accounts.byUsername(username).orElse(null);
        if (!passwords.matches(password, user == null ? null : user.passwordHash())) {
            throw Refusal.unauthorized("unknown username or wrong password");
        }
        if (device != null) {
            rateLimits.succeededForDevice(device);
        } else {
            rateLimits.succeededFor(username);
        }
        if (bans.isBanned(user.username())) {
            throw Refusal.banned();
        }
        return tokens.issue(user).withDevice(device != null ? proof : devices.issue(user.username()));
    }

    /** Gives the presented token back: refused from now until it expires, and its sockets and streams close with 1008. */
    @POST
    @Path("logout")
    @RolesAllowed(ParleyApplication.USER)
    @SecurityRequirement(name = ParleyApplication.BEARER)
    @APIResponse(responseCode = "204", description = "the token is refused from now on")
    public Response logout() {
        rateLimits.takeTokenChange(jwt.getName());
        revocations.revoke(jwt.getName(), jwt.getTokenID(), Instant.ofEpochSecond(jwt.getExpirationTime()));
        return Response.noContent().build();
    }

    @POST
    @Path("refresh")
    @RolesAllowed(ParleyApplication.USER)
    @SecurityRequirement(name = ParleyApplication.BEARER)
    public IssuedToken refresh() {
        rateLimits.takeTokenChange(caller.user().username());
        return tokens.issue(caller.user());
    }

    private void requireLocalAccounts() {
        if (!tokens.issuesLocally()) {
            throw Refusal.notFound("local accounts are disabled: tokens come from an external issuer");
        }
    }
}
