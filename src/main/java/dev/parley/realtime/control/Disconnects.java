package dev.parley.realtime.control;

import dev.parley.accounts.entity.AccessRevoked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;

/** Ends a user's live connections when their access ends: logout, a ban, an admin's disconnect. */
@ApplicationScoped
public class Disconnects {

    /** Policy violation: the identity the connection was opened with no longer holds. */
    public static final int CLOSE_CODE = 1008;

    @Inject
    SessionRegistry registry;

    /** Closes the user's sockets and streams, or only those opened with one token; how many. */
    public int close(String username, String tokenId, String reason) {
        int closed = 0;
        for (Connection connection : List.copyOf(registry.connectionsOf(username))) {
            if (tokenId == null || tokenId.equals(connection.identity().tokenId())) {
                connection.close(CLOSE_CODE, reason);
                closed++;
            }
        }
        return closed;
    }

    void revoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) AccessRevoked event) {
        close(event.username(), event.tokenId(), event.reason());
    }
}
