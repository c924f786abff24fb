package dev.parley.platform.boundary;

import dev.parley.platform.control.ClientAddress;
import dev.parley.platform.control.JsonbContext;
import dev.parley.platform.control.Meters;
import dev.parley.platform.control.RateLimits;
import dev.parley.platform.control.Refusal;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Limits login and registration attempts per client address before the request reaches
 * JAX-RS, the database or a password hash: a flood from one client is answered 429 for the
 * price of a map look-up, and leaves the threads and cores to everyone else. The address is
 * the connection's peer, or behind a trusted proxy the client the proxy names ({@link ClientAddress}).
 */
@WebFilter(
        urlPatterns = {"/api/auth/login", "/api/auth/register"},
        asyncSupported = true)
public class AuthThrottle extends HttpFilter {

    private static final long MAX_DRAINED = 4096;

    @Inject
    RateLimits rateLimits;

    @Inject
    Meters meters;

    @Inject
    ClientAddress clientAddress;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("POST".equals(request.getMethod())) {
            try {
                rateLimits.takeAuthAttempt(clientAddress.of(request));
            } catch (Refusal refused) {
                meters.add(Meters.Count.RATE_LIMITED_REQUESTS);
                // read the small body through, so that the connection stays open for the next request:
                // a client made to reconnect for every refusal costs the server far more than the refusal
                request.getInputStream().skipNBytes(Math.max(0, Math.min(request.getContentLengthLong(), MAX_DRAINED)));
                response.setStatus(refused.status());
                response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
                response.setContentType(Problems.MEDIA_TYPE);
                response.setCharacterEncoding("UTF-8");
                response.getWriter().write(JsonbContext.jsonb().toJson(refused.problem()));
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
