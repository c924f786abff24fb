package dev.parley.realtime.control;

import dev.parley.accounts.control.Bans;
import dev.parley.accounts.control.Revocations;
import dev.parley.accounts.entity.AccessRevoked;
import dev.parley.accounts.entity.RevokedToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Ends a user's live connections when their access ends: logout, a ban, an admin's disconnect.
 * What another node decided reaches this one through the shared database, read every
 * {@code parley.access.refresh-interval}: the bound on how long a revoked token or a banned
 * user's connection can outlive the decision elsewhere.
 */
@ApplicationScoped
public class Disconnects {

    private static final Logger LOG = Logger.getLogger(Disconnects.class.getName());

    /** Policy violation: the identity the connection was opened with no longer holds. */
    public static final int CLOSE_CODE = 1008;

    @Inject
    SessionRegistry registry;

    @Inject
    DeliveryThreads threads;

    @Inject
    Revocations revocations;

    @Inject
    Bans bans;

    @Inject
    @ConfigProperty(name = "parley.access.refresh-interval", defaultValue = "PT5S")
    Duration refreshInterval;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        long period = Math.max(100, refreshInterval.toMillis());
        // the look-up runs beside the timer, never on it: pings and expiries must not wait for the database
        threads.every(() -> threads.aside(this::refresh), period, TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            for (RevokedToken token : revocations.refresh()) {
                close(token.username(), token.jti(), "logged out");
            }
            for (String username : bans.refresh()) {
                close(username, null, "banned");
            }
        } catch (RuntimeException databaseDown) {
            LOG.warning(() -> "cannot read revocations and bans: "
                    + databaseDown.getClass().getSimpleName());
        }
    }

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
