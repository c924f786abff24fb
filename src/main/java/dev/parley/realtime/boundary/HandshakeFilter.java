package dev.parley.realtime.boundary;

import dev.parley.accounts.control.Tokens;
import dev.parley.accounts.entity.Identity;
import dev.parley.platform.boundary.ProblemPage;
import dev.parley.platform.control.ClientAddress;
import dev.parley.realtime.control.Admission;
import dev.parley.realtime.control.ConnectionCap;
import dev.parley.realtime.control.OriginPolicy;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;

/**
 * Checks every socket handshake before the upgrade: a foreign Origin gets 403, a missing, bad or
 * expired token 401, a user at the connection cap 429, and no socket in each case. The cap's slot
 * is taken here, atomically, and given back if the upgrade does not happen. The token comes from the Authorization header or
 * the token / access_token query parameter (browsers cannot set headers on a WebSocket); it is
 * checked by the same rules as REST and never logged. The verified identity travels on as the
 * request's principal: the only place a connection learns who it belongs to.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    @Inject
    Tokens tokens;

    @Inject
    OriginPolicy origins;

    @Inject
    ConnectionCap cap;

    @Inject
    ClientAddress clientAddress;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!origins.allows(request.getHeader("Origin"), request.getHeader("Host"))) {
            ProblemPage.answer(response, HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        Optional<Identity> identity = Optional.ofNullable(token(request)).flatMap(tokens::verify);
        if (identity.isEmpty()) {
            ProblemPage.answer(response, HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        Optional<ConnectionCap.Slot> slot = cap.take(identity.get().username(), clientAddress.of(request));
        if (slot.isEmpty()) {
            ProblemPage.answer(response, 429);
            return;
        }
        boolean upgraded = false;
        try {
            chain.doFilter(new Verified(request, new Admission(identity.get(), slot.get())), response);
            upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        } finally {
            if (!upgraded) {
                slot.get().release();
            }
        }
    }

    static String token(HttpServletRequest request) {
        String query = request.getParameter("token");
        return Tokens.presented(
                request.getHeader("Authorization"), query != null ? query : request.getParameter("access_token"));
    }

    private static final class Verified extends HttpServletRequestWrapper {

        private final Admission admission;

        Verified(HttpServletRequest request, Admission admission) {
            super(request);
            this.admission = admission;
        }

        @Override
        public Principal getUserPrincipal() {
            return admission;
        }

        @Override
        public String getRemoteUser() {
            return admission.getName();
        }

        /**
         * Tyrus on Payara records the server's name for every handshake through this, and the
         * container answers it by resolving the local address back to a host name: a reverse DNS
         * look-up, not cached, on a request thread, once per socket. Nothing reads that name; the
         * address serves the same purpose.
         */
        @Override
        public String getLocalName() {
            return getLocalAddr();
        }
    }
}
