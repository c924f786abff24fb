package dev.parley.accounts.boundary;

import dev.parley.accounts.control.Bans;
import dev.parley.accounts.control.Caller;
import dev.parley.accounts.control.Revocations;
import dev.parley.platform.control.Refusal;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What MP-JWT cannot know about a well-signed, unexpired token: that logout gave it back, or
 * that an admin banned its user. Checked on every authenticated REST call, from memory; the
 * token that passes names the request's {@link Caller}.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class AccessCheck implements ContainerRequestFilter {

    @Inject
    Revocations revocations;

    @Inject
    Bans bans;

    @Inject
    Caller caller;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() instanceof JsonWebToken token) {
            if (bans.isBanned(token.getName())) {
                throw Refusal.banned();
            }
            if (revocations.isRevoked(token.getTokenID())) {
                throw Refusal.unauthorized("this token was given back by logout");
            }
            caller.identify(token.getName());
        }
    }
}
