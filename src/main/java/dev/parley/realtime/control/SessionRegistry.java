package dev.parley.realtime.control;

import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.User;
import dev.parley.messages.control.History;
import dev.parley.platform.control.Meters;
import dev.parley.platform.control.RateLimits;
import dev.parley.realtime.entity.ServerFrame;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every live connection of this node, by id and by user, and the rooms they follow: shared by
 * the socket endpoints, the SSE resource and the REST resources. Frames reach a room's
 * subscribers through its {@link RoomChannel}.
 */
@ApplicationScoped
public class SessionRegistry {

    @Inject
    DeliveryThreads threads;

    @Inject
    History history;

    @Inject
    PresenceBook presenceBook;

    @Inject
    Event<LocalPresence> presenceHere;

    @Inject
    @ConfigProperty(name = "parley.ws.reorder-window", defaultValue = "PT5S")
    Duration reorderWindow;

    @Inject
    @ConfigProperty(name = "parley.presence.max-listed", defaultValue = "100")
    int presenceListed;

    @Inject
    @ConfigProperty(name = "parley.recovery.max-messages", defaultValue = "1000")
    long maxRecovery;

    @Inject
    @ConfigProperty(name = "parley.recovery.max-bytes", defaultValue = "2097152")
    long maxRecoveryBytes;

    @Inject
    @ConfigProperty(name = "parley.ws.outbox.max-frames", defaultValue = "2000")
    int outboxFrames;

    @Inject
    @ConfigProperty(name = "parley.ws.outbox.max-bytes", defaultValue = "4194304")
    long outboxBytes;

    @Inject
    Meters meters;

    @Inject
    RateLimits rateLimits;

    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<Long, RoomChannel> channels = new ConcurrentHashMap<>();
    private final RoomChannel.Neighbours neighbours = new RoomChannel.Neighbours() {
        @Override
        public Map<String, ServerFrame.Online> elsewhere(long roomId) {
            return presenceBook.elsewhere(roomId);
        }

        @Override
        public void here(long roomId, String username, ServerFrame.Online online) {
            presenceHere.fire(new LocalPresence(roomId, username, online));
        }
    };

    @PostConstruct
    void measured() {
        meters.measure(Meters.Level.CONNECTIONS, connections::size);
        meters.measure(Meters.Level.WS_ROOM, () -> count(Meters.Level.WS_ROOM));
        meters.measure(Meters.Level.WS_CHAT, () -> count(Meters.Level.WS_CHAT));
        meters.measure(Meters.Level.SSE, () -> count(Meters.Level.SSE));
        meters.measure(
                Meters.Level.OUTBOX_MAX,
                () -> connections.values().stream()
                        .mapToLong(Connection::queued)
                        .max()
                        .orElse(0));
    }

    // read at a scrape, never on the delivery path: a walk over the connections is cheap enough there
    private long count(Meters.Level transport) {
        return connections.values().stream()
                .filter(c -> transportOf(c) == transport)
                .count();
    }

    private static Meters.Level transportOf(Connection connection) {
        if (connection.transport() instanceof StreamTransport) {
            return Meters.Level.SSE;
        }
        return connection.isPersonal() ? Meters.Level.WS_CHAT : Meters.Level.WS_ROOM;
    }

    /** A new live connection for a verified identity in its slot under the cap, bounded and watched for token expiry. */
    public Connection connect(Transport transport, User user, Identity identity, ConnectionCap.Slot slot) {
        Connection connection = new Connection(
                UUID.randomUUID().toString(),
                transport,
                user,
                identity,
                slot,
                new Connection.Limits(outboxFrames, outboxBytes, meters));
        connections.put(connection.id(), connection);
        byUser.computeIfAbsent(key(user.username()), k -> ConcurrentHashMap.newKeySet())
                .add(connection);
        watchExpiry(connection);
        return connection;
    }

    /** The connection is gone; {@code waitForWrite} from the container's close callback (see {@link Outbox#discard}). */
    public void unregister(Connection connection, boolean waitForWrite) {
        connection.gone(waitForWrite);
        if (connections.remove(connection.id()) != null) {
            byUser.computeIfPresent(key(connection.username()), (k, mine) -> {
                mine.remove(connection);
                return mine.isEmpty() ? null : mine;
            });
            for (Long room : List.copyOf(connection.rooms())) {
                unsubscribe(connection, room);
            }
        }
    }

    public Collection<Connection> all() {
        return connections.values();
    }

    /** This node's connections of one user, on any endpoint. */
    public Collection<Connection> connectionsOf(String username) {
        Set<Connection> mine = byUser.get(key(username));
        return mine == null ? List.of() : List.copyOf(mine);
    }

    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    /** Open sockets and streams on this node. */
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
        attach(connection, roomId, roomLastSeq, since);
    }

    /**
     * Follows a room only if it is live on this node already, so no one needs to read its seq
     * from the database; false, and nothing changed, when it is not.
     */
    public boolean subscribeIfLive(Connection connection, long roomId) {
        return attach(connection, roomId, null, null);
    }

    /** {@code roomLastSeq} null: only a live channel is joined, none is made. */
    private boolean attach(Connection connection, long roomId, Long roomLastSeq, Long since) {
        connection.rooms().add(roomId);
        RoomChannel[] joined = new RoomChannel[1];
        long[] lastSeq = new long[1];
        boolean[] created = new boolean[1];
        channels.compute(roomId, (id, channel) -> {
            if (channel == null && roomLastSeq == null) {
                return null;
            }
            created[0] = channel == null;
            joined[0] = channel != null
                    ? channel
                    : new RoomChannel(
                            id,
                            roomLastSeq,
                            threads.timer(),
                            reorderWindow.toMillis(),
                            presenceListed,
                            this::backfill,
                            neighbours,
                            new PresencePace(rateLimits::takePresence));
            lastSeq[0] = joined[0].register(connection);
            return joined[0];
        });
        if (joined[0] == null) {
            connection.rooms().remove(roomId);
            return false;
        }
        if (created[0]) {
            joined[0].syncWithDatabase();
        }
        long last = lastSeq[0];
        boolean recovered = since == null || since >= last || last - since <= maxRecovery;
        List<EncodedFrame> replay = since == null || since >= last || !recovered
                ? List.of()
                : history.between(roomId, since, last + 1).stream()
                        .map(m -> EncodedFrame.of(new ServerFrame.Message(m)))
                        .toList();
        // the replay queues on the outbox like any frame: past its bounds it would close the
        // socket with 4008 before a frame left, at every resume, so long messages page instead
        if (replay.size() > outboxFrames / 2
                || replay.stream().mapToLong(EncodedFrame::size).sum() > Math.min(maxRecoveryBytes, outboxBytes / 2)) {
            recovered = false;
            replay = List.of();
        }
        if (since != null) {
            meters.add(Meters.Count.RESUMES);
            meters.add(Meters.Count.REPLAYED, replay.size());
            if (!recovered) {
                meters.add(Meters.Count.UNRECOVERED);
            }
        }
        EncodedFrame subscribed = EncodedFrame.of(new ServerFrame.Subscribed(roomId, last, recovered, replay.size()));
        joined[0].catchUp(connection, subscribed, replay, Math.max(last, since == null ? 0 : since));
        if (!connections.containsKey(connection.id())) {
            // closed while catching up: its unregister may have run before the channel knew it
            unsubscribe(connection, roomId);
        }
        return true;
    }

    public void unsubscribe(Connection connection, long roomId) {
        connection.rooms().remove(roomId);
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.remove(connection);
            channels.computeIfPresent(roomId, (id, current) -> current.isEmpty() ? null : current);
        }
    }

    /** Closes the connection with 4001 when its token expires, unless an auth frame renewed it first. */
    public void watchExpiry(Connection connection) {
        Identity identity = connection.identity();
        long delay = Math.max(
                0, Duration.between(Instant.now(), identity.expiresAt()).toMillis());
        connection.expireWith(threads.schedule(
                () -> {
                    if (connection.identity() == identity) {
                        connection.closeAfterQueued(4001, "token expired");
                    }
                },
                delay,
                TimeUnit.MILLISECONDS));
    }

    private Map<Long, EncodedFrame> backfill(long roomId, long after, long before) {
        Map<Long, EncodedFrame> frames = new LinkedHashMap<>();
        history.between(roomId, after, before)
                .forEach(m -> frames.put(m.seq(), EncodedFrame.of(new ServerFrame.Message(m))));
        return frames;
    }

    /** A committed message to the room's subscribers, in seq order. */
    public void publish(long roomId, long seq, EncodedFrame frame) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.publish(seq, frame);
        }
    }

    /** A frame that is not a message (read, edit, delete, typing) to a room's subscribers, except one user's. */
    public void broadcast(long roomId, EncodedFrame frame, String exceptUser) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.broadcast(frame, exceptUser);
        }
    }

    /** The rooms with subscribers on this node, each with the last seq released to them. */
    public Map<Long, Long> released() {
        Map<Long, Long> released = new HashMap<>();
        channels.forEach((room, channel) -> released.put(room, channel.released()));
        return released;
    }

    /** Reads and releases what the database has beyond what this node released in the room (a lost cluster message). */
    public void syncWithDatabase(long roomId) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.syncWithDatabase();
        }
    }

    /** Who is in the room, on this node and the others. */
    public List<ServerFrame.Online> online(long roomId) {
        RoomChannel channel = channels.get(roomId);
        return channel == null ? List.copyOf(presenceBook.elsewhere(roomId).values()) : channel.online();
    }

    /** A user's presence in a room on other nodes changed: this node's subscribers of the room may need to hear of it. */
    void presenceElsewhere(long roomId, String username, boolean wasElsewhere) {
        RoomChannel channel = channels.get(roomId);
        if (channel != null) {
            channel.elsewhereChanged(username, wasElsewhere);
        }
    }

    /** This node's presence, room by room, for the other nodes' snapshot of it. */
    public Map<Long, Map<String, ServerFrame.Online>> presenceHere() {
        Map<Long, Map<String, ServerFrame.Online>> all = new HashMap<>();
        channels.forEach((room, channel) -> all.put(room, channel.here()));
        return all;
    }

    @PreDestroy
    void shutdown() {
        Collection<Connection> all = List.copyOf(connections.values());
        all.forEach(c -> c.close(1001, "server going away"));
        connections.clear();
        byUser.clear();
        channels.clear();
    }
}
