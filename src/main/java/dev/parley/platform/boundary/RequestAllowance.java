package dev.parley.platform.boundary;

import dev.parley.platform.control.RateLimits;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Each user's allowance of REST requests, whatever they ask, as a socket has one of frames. Runs
 * after the access check, so a revoked or banned token is refused for that and spends nothing.
 * Sign-up and login have their own limits per address and per name ({@link AuthThrottle}).
 */
@Provider
@Priority(Priorities.AUTHORIZATION + 1)
public class RequestAllowance implements ContainerRequestFilter {

    @Inject
    RateLimits rateLimits;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() instanceof JsonWebToken token) {
            rateLimits.takeRequest(token.getName());
        }
    }
}
