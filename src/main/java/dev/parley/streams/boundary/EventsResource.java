package dev.parley.streams.boundary;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.control.Tokens;
import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.User;
import dev.parley.platform.boundary.ParleyApplication;
import dev.parley.platform.control.ClientAddress;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.control.Connection;
import dev.parley.realtime.control.ConnectionCap;
import dev.parley.realtime.control.SessionRegistry;
import dev.parley.realtime.control.StreamTransport;
import dev.parley.rooms.control.Rooms;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * A room as Server-Sent Events. EventSource cannot set headers, so the token may also come as a
 * query parameter, checked here by the socket rules (MP-JWT only reads the header). The stream
 * is a connection in the same registry as sockets: same outbox bounds, membership, token expiry.
 */
@Path("rooms/{id}/events")
@PermitAll
// the bearer token, or the same token as ?token= or ?access_token= (an EventSource sends no headers)
@SecurityRequirement(name = ParleyApplication.BEARER)
public class EventsResource {

    @Inject
    Tokens tokens;

    @Inject
    Accounts accounts;

    @Inject
    Rooms rooms;

    @Inject
    SessionRegistry registry;

    @Inject
    ConnectionCap cap;

    @Inject
    ClientAddress clientAddress;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(
            @PathParam("id") long roomId,
            @HeaderParam("Authorization") String authorization,
            @QueryParam("token") String queryToken,
            @QueryParam("access_token") String accessToken,
            @HeaderParam("Last-Event-ID") String lastEventId,
            @QueryParam("since") String since,
            @Context HttpServletRequest request,
            @Context SseEventSink sink,
            @Context Sse sse) {
        // the same token parameters as a socket handshake
        String presented = Tokens.presented(authorization, queryToken != null ? queryToken : accessToken);
        Identity identity = Optional.ofNullable(presented)
                .flatMap(tokens::verify)
                .orElseThrow(() ->
                        Refusal.unauthorized("a valid token is required (Authorization header or token parameter)"));
        User user = accounts.byUsername(identity.username()).orElseGet(() -> accounts.provision(identity.username()));
        long lastSeq = rooms.joined(user, roomId).room().lastSeq();
        Long resumeAfter = seq(lastEventId != null ? lastEventId : since);

        ConnectionCap.Slot slot = cap.take(identity.username(), clientAddress.of(request))
                .orElseThrow(() -> Refusal.tooManyConnections());
        slot.claim();
        Connection connection = registry.connect(new StreamTransport(sink, sse), user, identity, slot);
        connection.afterClose(() -> registry.unregister(connection, false));
        registry.subscribe(connection, roomId, lastSeq, resumeAfter);
        connection.release();
    }

    private static Long seq(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(text.strip()));
        } catch (NumberFormatException notASeq) {
            throw Refusal.invalid("since", "must be a seq");
        }
    }
}
