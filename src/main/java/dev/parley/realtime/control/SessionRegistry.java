package dev.parley.realtime.control;

import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.User;
import dev.parley.messages.control.History;
import dev.parley.messages.entity.MessagePosted;
import dev.parley.realtime.entity.Frames;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;
import org.eclipse.microprofile.metrics.annotation.Metric;

/**
 * Every live connection of this node and the rooms they follow, shared by the socket endpoints
 * and the REST resources. Committed events arrive here after commit and leave as frames, each
 * encoded once and queued on every subscriber's outbox.
 */
@ApplicationScoped
public class SessionRegistry {

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedExecutorService writer;

    @Inject
    History history;


    @Inject
    @ConfigProperty(name = "parley.ws.reorder-window", defaultValue = "PT5S")
    Duration reorderWindow;

    @Inject
    @ConfigProperty(name = "parley.recovery.max-messages", defaultValue = "1000")
    long maxRecovery;

    @Inject
    @ConfigProperty(name = "parley.ws.outbox.max-frames", defaultValue = "2000")
    int outboxFrames;

    @Inject
    @ConfigProperty(name = "parley.ws.outbox.max-bytes", defaultValue = "4194304")
    long outboxBytes;

    // a full socket cannot always take the 4008 close frame: this count is the server's own record
    @Inject
    @Metric(name = "parley.slow.closes", absolute = true, description = "connections closed as too slow (4008)")
    Counter tooSlow;

    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<Long, RoomChannel> channels = new ConcurrentHashMap<>();

    /** A new live connection for a verified identity in its slot under the cap, bounded and watched for token expiry. */
    public Connection connect(Transport transport, User user, Identity identity, ConnectionCap.Slot slot) {
        Connection connection = new Connection(UUID.randomUUID().toString(), transport, user, identity, slot,
                new Connection.Limits(outboxFrames, outboxBytes, tooSlow::inc), writer);
        connections.put(connection.id(), connection);
        watchExpiry(connection);
        return connection;
    }

    public void unregister(Connection connection) {
        connection.gone();
        if (connections.remove(connection.id()) != null) {
            for (Long room : List.copyOf(connection.rooms())) {
                unsubscribe(connection, room);
            }
        }
    }

    public Collection<Connection> all() {
        return connections.values();
    }

    @Gauge(name = "parley.connections", absolute = true, unit = MetricUnits.NONE,
            description = "open sockets and streams on this node")
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Follows a room, resuming after {@code since} when given: register first (live frames are
     * kept), then read what was missed from the database, then replay it and what was kept,
     * skipping the seqs the replay covered. No gap, no duplicate. {@code roomLastSeq} is the
     * room's seq as the caller just read it.
     */
    public void subscribe(Connection connection, long roomId, long roomLastSeq, Long since) {
        RoomChannel[] joined = new RoomChannel[1];
        long[] lastSeq = new long[1];
        connection.rooms().add(roomId);
        boolean[] created = new boolean[1];
        channels.compute(roomId, (id, channel) -> {
            created[0] = channel == null;
            joined[0] = channel != null ? channel
                    : new RoomChannel(id, roomLastSeq, scheduler, reorderWindow.toMillis(), this::backfill);
            lastSeq[0] = joined[0].register(connection);
            return joined[0];
        });
        if (created[0]) {
            joined[0].syncWithDatabase();
        }
        long last = lastSeq[0];
        boolean recovered = since == null || since >= last || last - since <= maxRecovery;
        List<String> replay = since == null || since >= last || !recovered ? List.of()
                : history.between(roomId, since, last + 1).stream().map(m -> FrameCodec.encode("message", m)).toList();
        String subscribed = FrameCodec.encode("subscribed", new Frames.Subscribed(roomId, last, recovered, replay.size()));
        joined[0].catchUp(connection, subscribed, replay, Math.max(last, since == null ? 0 : since));
        if (!connections.containsKey(connection.id())) {
            // closed while catching up: its unregister may have run before the channel knew it
            unsubscribe(connection, roomId);
        }
    }

    /** Closes the connection with 4001 when its token expires, unless an auth frame renewed it first. */
    public void watchExpiry(Connection connection) {
        Identity identity = connection.identity();
        long delay = Math.max(0, Duration.between(Instant.now(), identity.expiresAt()).toMillis());
        connection.expireWith(scheduler.schedule(() -> {
            if (connection.identity() == identity) {
                connection.closeAfterQueued(4001, "token expired");
            }
        }, delay, TimeUnit.MILLISECONDS));
    }

    /** This node's connections of one user, on any endpoint. */
    public List<Connection> connectionsOf(String username) {
        return connections.values().stream().filter(c -> c.username().equalsIgnoreCase(username)).toList();
    }

    public void unsubscribe(Connection connection, long roomId) {
        connection.rooms().remove(roomId);
        channels.computeIfPresent(roomId, (id, channel) -> {
            channel.remove(connection);
            return channel.isEmpty() ? null : channel;
        });
    }

    private Map<Long, String> backfill(long roomId, long after, long before) {
        Map<Long, String> frames = new LinkedHashMap<>();
        history.between(roomId, after, before).forEach(m -> frames.put(m.seq(), FrameCodec.encode("message", m)));
        return frames;
    }

    /** A frame that is not a message (read, edit, delete) to a room's subscribers. */
    public void broadcast(long roomId, String frame) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.broadcast(frame, false, null);
        }
    }

    public List<Frames.Online> online(long roomId) {
        RoomChannel channel = channels.get(roomId);
        return channel == null ? List.of() : channel.online();
    }

    public void typing(Connection from, long roomId, boolean isTyping) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.broadcast(FrameCodec.encode("typing", new Frames.Typing(roomId, from.username(), isTyping)), true,
                    from.username());
        }
    }

    /** Hands a committed message to the room's subscribers; called by the fan-out. */
    public void deliver(MessagePosted event) {
        RoomChannel channel = channels.get(event.message().roomId());
        if (channel != null) {
            channel.publish(event.message().seq(), FrameCodec.encode("message", event.message()));
        }
    }

    @PreDestroy
    void shutdown() {
        Collection<Connection> all = List.copyOf(connections.values());
        all.forEach(c -> c.close(1001, "server going away"));
        connections.clear();
        channels.clear();
    }
}
