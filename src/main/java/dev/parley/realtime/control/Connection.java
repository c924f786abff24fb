package dev.parley.realtime.control;

import dev.parley.accounts.entity.Identity;
import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Meters;
import dev.parley.platform.control.TokenBucket;
import dev.parley.realtime.entity.ServerFrame;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * One live client, on a socket or a stream: who it is, by which token, which rooms it follows,
 * and its {@link Outbox}. The registry makes them.
 */
public class Connection {

    /** The outbox bounds, and where the outbox counts deliveries, drops and overflows. */
    public record Limits(int maxFrames, long maxBytes, Meters meters, Meters.Delivered delivered) {

        public Limits(int maxFrames, long maxBytes, Meters meters) {
            this(maxFrames, maxBytes, meters, meters.delivered());
        }
    }

    private final String id;
    private final Transport transport;
    private final User user;
    private final Outbox outbox;
    private final ConnectionCap.Slot slot;
    private final Set<Long> rooms = ConcurrentHashMap.newKeySet(2);
    private volatile Identity identity;
    private volatile long lastHeard = System.nanoTime();
    private volatile long lastPinged = lastHeard;
    private volatile ScheduledFuture<?> expiry;
    private volatile boolean personal;
    private volatile boolean followsAll;
    // the room a frame without room_id means: the path's on /ws/chat/{room_id} (pinned: no
    // other room may be named), or the one ?room= subscribed at open on /ws/chat
    private volatile Long defaultRoom;
    private volatile boolean pinned;
    private int strikes;
    private TokenBucket frames;
    private int overruns;

    public Connection(
            String id, Transport transport, User user, Identity identity, ConnectionCap.Slot slot, Limits limits) {
        this.id = id;
        this.transport = transport;
        this.user = user;
        this.identity = identity;
        this.slot = slot;
        this.outbox = new Outbox(id, transport, limits);
    }

    /** Encodes and queues a frame for this connection alone (an ack, an error, a pong). */
    public void send(ServerFrame frame) {
        outbox.send(EncodedFrame.of(frame));
    }

    /** Queues a frame encoded once for many connections, and writes it. */
    public void send(EncodedFrame frame) {
        outbox.send(frame);
    }

    /**
     * Queues a frame and writes it; on a delivery lane, once the lane's batch ends, in one write
     * with whatever else that batch queued for this connection.
     */
    void sendWithLane(ServerFrame frame) {
        if (outbox.offer(EncodedFrame.of(frame))) {
            LaneBatch.pump(List.of(this));
        }
    }

    /** Queues without writing, for callers under a lock; true when {@link #pump()} must follow. */
    boolean offer(EncodedFrame frame) {
        return outbox.offer(frame);
    }

    void pump() {
        outbox.pump();
    }

    /** Starts writing what queued while the connection opened; see {@link Outbox#release()}. */
    public void release() {
        outbox.release();
    }

    /** Frames queued for this connection and not yet written. */
    public int queued() {
        return outbox.depth();
    }

    public void ping() {
        lastPinged = System.nanoTime();
        outbox.send(Outgoing.Ping.PING);
    }

    /** When this connection was last pinged (System.nanoTime), or opened. */
    public long lastPinged() {
        return lastPinged;
    }

    /** Closes once every frame queued so far is written: an error frame, then the close that it explains. */
    public void closeAfterQueued(int code, String reason) {
        outbox.send(new Outgoing.Close(code, reason));
    }

    public void close(int code, String reason) {
        outbox.close(code, reason);
    }

    /** A close was made or decided: the socket may still be open while its close waits (SocketTransport). */
    public boolean isClosed() {
        return outbox.isClosed();
    }

    /**
     * The peer is gone: queued frames are dropped, nothing more is written, the expiry watch
     * stops, the slot is free. {@code waitForWrite} from the container's close callback.
     */
    public void gone(boolean waitForWrite) {
        outbox.discard(waitForWrite);
        slot.release();
        ScheduledFuture<?> watch = expiry;
        if (watch != null) {
            watch.cancel(false);
        }
    }

    /** Runs once when the connection closes; for transports whose container tells nobody (SSE). */
    public void afterClose(Runnable cleanup) {
        outbox.afterClose(cleanup);
    }

    /** A /ws/chat connection: gets the user's direct rooms and room_added / room_removed unasked. */
    public boolean isPersonal() {
        return personal;
    }

    public void makePersonal() {
        personal = true;
    }

    /** Follows every room the user belongs to, including ones joined later. */
    public boolean followsAll() {
        return followsAll;
    }

    public void followAll() {
        followsAll = true;
    }

    public Long defaultRoom() {
        return defaultRoom;
    }

    public boolean isPinned() {
        return pinned;
    }

    /** The room frames without room_id mean; pinned: the only room this connection may name. */
    public void defaultRoom(long roomId, boolean pinnedToIt) {
        defaultRoom = roomId;
        pinned = pinnedToIt;
    }

    public Transport transport() {
        return transport;
    }

    public void heard() {
        lastHeard = System.nanoTime();
    }

    public long silentNanos() {
        return System.nanoTime() - lastHeard;
    }

    public String id() {
        return id;
    }

    public User user() {
        return user;
    }

    public String username() {
        return user.username();
    }

    public Identity identity() {
        return identity;
    }

    /** Replaces the token the connection lives by; the registry then moves the expiry watch. */
    public void reauthenticate(Identity renewed) {
        identity = renewed;
    }

    /** The one watch on this connection's token expiry; a new one cancels the old. */
    public void expireWith(ScheduledFuture<?> watch) {
        ScheduledFuture<?> previous = expiry;
        expiry = watch;
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /**
     * Takes one of this socket's incoming frames from its allowance: 0 when taken, else the
     * nanoseconds until one is there. Made at the first frame, so streams and quiet sockets hold
     * none; only the connection's own frame thread calls it.
     */
    long takeFrame(double capacity, double perSecond, long now) {
        if (frames == null) {
            frames = new TokenBucket(capacity, perSecond, now);
        } else if (overruns > 0 && frames.isFull(now)) {
            overruns = 0;
        }
        long wait = frames.take(now);
        if (wait > 0) {
            overruns++;
        }
        return wait;
    }

    /**
     * Frames refused by the allowance since it was last full. Not "in a row": a client sending at
     * twice the refill rate gets every other frame through and would never be refused 30 times in
     * a row, but it never lets the allowance fill up either.
     */
    int overruns() {
        return overruns;
    }

    /** Counts refusals in a row (only the connection's own frame thread calls these). */
    public int strike() {
        return ++strikes;
    }

    public void forgive() {
        strikes = 0;
    }

    public Set<Long> rooms() {
        return rooms;
    }
}
