package dev.parley.realtime.control;

import dev.parley.accounts.control.Accounts;
import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import dev.parley.realtime.entity.ServerFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A socket's life: opened for the identity the handshake filter admitted, subscribed as its
 * endpoint says, released to write once the container has finished opening it, and let go when
 * the container says it is closed. Its frames are {@link ChatProtocol}'s.
 */
@ApplicationScoped
public class SocketLifecycle {

    private static final Logger LOG = Logger.getLogger(SocketLifecycle.class.getName());
    private static final String CONNECTION = "parley.connection";

    @Inject
    SessionRegistry registry;

    @Inject
    Subscriptions subscriptions;

    @Inject
    Accounts accounts;

    @Inject
    PreFramed preFramed;

    @Inject
    DeliveryThreads threads;

    @Inject
    @ConfigProperty(name = "parley.ws.max-frame-bytes", defaultValue = "65536")
    int maxFrameBytes;

    /** Opens a connection for the identity the handshake filter admitted; null when there is none. */
    public Connection open(Session session) {
        if (!(session.getUserPrincipal() instanceof Admission admission)) {
            later(() -> close(session, 1008, "no verified identity"), SocketTransport.SETTLE_NANOS);
            return null;
        }
        admission.slot().claim();
        Identity identity = admission.identity();
        session.setMaxTextMessageBufferSize(maxFrameBytes);
        session.setMaxBinaryMessageBufferSize(maxFrameBytes);
        // Liveness pings and closes silent sockets itself; the container's own idle timer would
        // be re-armed on every frame sent or received, on a context-capturing executor. Setting
        // it schedules that timer once more, so only where the container has one on (not Payara)
        if (session.getMaxIdleTimeout() != 0) {
            session.setMaxIdleTimeout(0);
        }
        User user = accounts.byUsername(identity.username()).orElseGet(() -> accounts.provision(identity.username()));
        Connection connection = registry.connect(
                new SocketTransport(session, preFramed.writerFor(session), this::later),
                user,
                identity,
                admission.slot());
        session.getUserProperties().put(CONNECTION, connection);
        connection.send(new ServerFrame.Connected(user.profile(), connection.id()));
        return connection;
    }

    /** On /ws/chat/{room_id}: the room is the connection's reason to exist, so a refusal closes it. */
    public void openRoom(Connection connection, long roomId, Long since) {
        connection.defaultRoom(roomId, true);
        try {
            subscriptions.follow(connection, roomId, since);
        } catch (Refusal refusal) {
            connection.send(new ServerFrame.Error(refusal.code(), refusal.getMessage(), null));
            connection.closeAfterQueued(refusal.status() == 404 ? 4004 : 4003, refusal.code());
        }
    }

    /**
     * On /ws/chat: the user's direct rooms come unasked; with {@code all}, every room they belong
     * to; a room named at open ({@code room}, may be null) is subscribed, and frames that name no
     * room mean it.
     */
    public void openPersonal(Connection connection, boolean all, Long room, Long since) {
        connection.makePersonal();
        if (all) {
            subscriptions.followAll(connection);
        } else {
            subscriptions.followDirects(connection);
        }
        if (room != null) {
            connection.defaultRoom(room, false);
            try {
                subscriptions.follow(connection, room, since);
            } catch (Refusal refusal) {
                connection.send(new ServerFrame.Error(refusal.code(), refusal.getMessage(), null));
            }
        }
    }

    /** The endpoint's open is done: the connection may write. */
    public void opened(Session session) {
        Connection connection = of(session);
        if (connection != null) {
            connection.release();
        }
    }

    public void closed(Session session) {
        Connection connection = of(session);
        if (connection != null) {
            registry.unregister(connection, true);
        }
    }

    public void heard(Session session) {
        Connection connection = of(session);
        if (connection != null) {
            connection.heard();
        }
    }

    public void close(Session session, int code, String reason) {
        Connection connection = of(session);
        if (connection != null) {
            connection.close(code, reason);
        } else {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } catch (IOException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        }
    }

    // a close may wait for a write stuck on a dead peer: aside, never on the timer itself
    private void later(Runnable close, long delayNanos) {
        threads.schedule(() -> threads.closeAside(close), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The connection this socket carries; null before it opened or when it was refused. */
    public Connection of(Session session) {
        return (Connection) session.getUserProperties().get(CONNECTION);
    }
}
