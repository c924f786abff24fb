package dev.parley.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;

/**
 * A client that follows one room and must never lose or repeat a message, however often its
 * connection drops: it holds the room's messages in seq order, reconnects with {@code since} =
 * the last seq it holds, takes the replay the {@code subscribed} frame announces, or, when the
 * gap is over the replay limit ({@code recovered:false}), pages it over REST and goes on with the
 * live frames. Every message it takes must be the next seq: a duplicate or a gap fails at once,
 * naming where the message came from. Used by one thread at a time.
 */
public final class ResumingReader implements AutoCloseable {

    /** {@code parley.recovery.max-messages} in the test servers (the pom sets it). */
    public static final int REPLAY_LIMIT = 120;
    /** {@code limit} for REST paging: the largest page the API serves. */
    public static final int PAGE = 200;

    private enum Source {
        REPLAYED,
        LIVE,
        PAGED
    }

    private final Api api;
    private final long room;
    private final Users.User user;
    private final String label;
    private final List<JsonObject> held = new ArrayList<>();
    private final List<Integer> serverCloses = new ArrayList<>();
    private ChatClient socket;
    private boolean resuming;
    private long lastSeq;
    private long firstSeq = -1;
    private long replayDue;
    private long replayUpTo;
    private int connects;
    private int replayed;
    private int live;
    private int paged;
    private int unrecovered;

    public ResumingReader(Api api, long room, Users.User user, String label) {
        this.api = api;
        this.room = room;
        this.user = user;
        this.label = label;
    }

    /**
     * As if the reader already held every message up to {@code seq}: the next connection resumes
     * with {@code since=seq}. Without it, the first connection subscribes without {@code since}
     * and holds what comes after the {@code last_seq} it is told.
     */
    public ResumingReader startingAfter(long seq) {
        lastSeq = seq;
        firstSeq = seq + 1;
        resuming = true;
        return this;
    }

    // ---- connecting

    /**
     * Opens a new connection in {@code style}, resuming after the last seq held, and checks the
     * {@code subscribed} frame against the contract: a recovered resume announces exactly the
     * missed messages (at most the replay limit), an unrecovered one announces none because more
     * than the limit are missing, and then the gap is paged over REST before anything else.
     */
    public Subscribed connect(SubscribeStyle style) {
        if (socket != null) {
            throw new IllegalStateException(label + ": still connected; drop() first");
        }
        Long since = resuming ? lastSeq : null;
        socket = style.open(api, user, room, since);
        connects++;
        Subscribed subscribed = Subscribed.read(socket, room);
        String context = label + " (" + style + ", since=" + since + "): " + subscribed;
        long last = subscribed.lastSeq();
        if (since == null) {
            assertTrue(subscribed.recovered(), "without since the subscription is recovered: " + context);
            assertEquals(0, subscribed.replayed(), "without since nothing is replayed: " + context);
            lastSeq = last;
            firstSeq = last + 1;
            resuming = true;
            return subscribed;
        }
        // a since at or past last_seq misses nothing: recovered, nothing replayed
        long missing = Math.max(0, last - since);
        if (subscribed.recovered()) {
            assertTrue(missing <= REPLAY_LIMIT, "recovered although " + missing + " are missing: " + context);
            assertEquals(missing, subscribed.replayed(), "replayed = the missed messages: " + context);
            replayDue = missing;
            replayUpTo = last;
        } else {
            assertTrue(missing > REPLAY_LIMIT, "not recovered although only " + missing + " are missing: " + context);
            assertEquals(0, subscribed.replayed(), "nothing is replayed when not recovered: " + context);
            unrecovered++;
            pageThrough(last);
        }
        return subscribed;
    }

    /** Drops the connection: a normal close (waiting for the server's) or a TCP abort without a close frame. */
    public void drop(boolean graceful) {
        if (socket == null) {
            return;
        }
        if (graceful) {
            socket.close();
        } else {
            socket.abort();
        }
        socket = null;
        replayDue = 0;
    }

    public boolean connected() {
        return socket != null;
    }

    /** The connection itself, for sending on it (pings, messages). */
    public ChatClient socket() {
        if (socket == null) {
            throw new IllegalStateException(label + ": not connected");
        }
        return socket;
    }

    // ---- reading

    /**
     * Takes frames for at most {@code time}, or until {@code messages} new messages came, or the
     * server closed the connection (then {@link #connected()} turns false and the code is
     * recorded in {@link #serverCloses()}). Returns the number of new messages.
     */
    public int read(Duration time, int messages) {
        long deadline = System.nanoTime() + time.toNanos();
        int taken = 0;
        while (socket != null && taken < messages) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            JsonObject frame = socket.tryNext(
                    Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
            if (frame != null) {
                taken += accept(frame) ? 1 : 0;
            } else if (socket.isClosed()) {
                closedByServer();
            }
        }
        return taken;
    }

    /** Reads until the message {@code seq} is held; fails if the socket closes or time runs out first. */
    public void readThrough(long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lastSeq < seq) {
            if (socket == null) {
                throw new AssertionError(label + ": not connected, holding up to seq " + lastSeq + " of " + seq
                        + "; server closes: " + serverCloses);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        label + ": holds up to seq " + lastSeq + ", expected seq " + seq + " within " + timeout);
            }
            JsonObject frame = socket.tryNext(
                    Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
            if (frame != null) {
                accept(frame);
            } else if (socket.isClosed()) {
                closedByServer();
            }
        }
    }

    /**
     * After the server was told to go away: takes the frames that came before its close (they
     * count, in order, like any other) and returns the close code. Bounded by {@code timeout}.
     */
    public int awaitServerClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (socket != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(label + ": the connection did not close within " + timeout);
            }
            JsonObject frame = socket.tryNext(
                    Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())));
            if (frame != null) {
                accept(frame);
            } else if (socket.isClosed()) {
                closedByServer();
            }
        }
        if (serverCloses.isEmpty()) {
            throw new AssertionError(label + ": not connected, so no close to wait for");
        }
        return serverCloses.get(serverCloses.size() - 1);
    }

    /** A fence: a ping's pong, and no message before it: the reader holds all there is. */
    public void assertCaughtUp() {
        for (JsonObject frame : socket().fence()) {
            if ("message".equals(ChatClient.type(frame))) {
                throw new AssertionError(
                        label + ": a message frame after seq " + lastSeq + " was expected to be the last: " + frame);
            }
            accept(frame);
        }
    }

    /** The socket is closed: frames that landed after the last empty poll still count, then it is gone. */
    private void closedByServer() {
        for (JsonObject late = socket.tryNext(Duration.ZERO); late != null; late = socket.tryNext(Duration.ZERO)) {
            accept(late);
        }
        serverCloses.add(socket.closedWith().map(ChatClient.Closure::code).orElse(1006));
        socket = null;
        replayDue = 0;
    }

    /** One frame: a message is taken (and checked), room chatter skipped, anything else fails. */
    private boolean accept(JsonObject frame) {
        switch (ChatClient.type(frame)) {
            case "message" -> {
                take(frame, replayDue > 0 ? Source.REPLAYED : Source.LIVE);
                return true;
            }
            case "presence", "typing", "read", "pong" -> {
                return false;
            }
            default ->
                throw new AssertionError(label + ": unexpected frame while following room " + room + ": " + frame);
        }
    }

    private void take(JsonObject message, Source source) {
        long seq = message.getJsonNumber("seq").longValue();
        assertEquals(room, message.getJsonNumber("room_id").longValue(), label + ": " + message);
        if (seq != lastSeq + 1) {
            throw new AssertionError(label + ": " + (seq <= lastSeq ? "a duplicate" : "a gap") + ": seq " + seq + " ("
                    + source.name().toLowerCase() + ") after seq " + lastSeq + ", connection " + connects + ": "
                    + message);
        }
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        held.add(message);
        lastSeq = seq;
        switch (source) {
            case REPLAYED -> {
                assertTrue(
                        seq <= replayUpTo,
                        label + ": a replayed message past the announced last_seq " + replayUpTo + ": " + message);
                replayDue--;
                replayed++;
            }
            case LIVE -> live++;
            case PAGED -> paged++;
        }
    }

    /** Pages (lastSeq, upTo] over REST, {@link #PAGE} at a time, as a client does after recovered:false. */
    private void pageThrough(long upTo) {
        while (lastSeq < upTo) {
            Api.Reply page = api.get("/rooms/" + room + "/messages?after=" + lastSeq + "&limit=" + PAGE, user.token());
            assertEquals(200, page.status(), page::toString);
            List<JsonObject> messages = page.json().getJsonArray("messages").getValuesAs(JsonObject.class);
            assertTrue(messages.size() <= PAGE, label + ": a page over the limit");
            long before = lastSeq;
            for (JsonObject m : messages) {
                if (m.getJsonNumber("seq").longValue() <= upTo) {
                    take(m, Source.PAGED);
                }
            }
            if (lastSeq < upTo && (lastSeq == before || !page.json().getBoolean("has_more"))) {
                throw new AssertionError(label + ": REST paging after seq " + before + " stopped at seq " + lastSeq
                        + ", short of last_seq " + upTo + " (has_more "
                        + page.json().getBoolean("has_more") + ")");
            }
        }
    }

    // ---- what it holds

    public long lastSeq() {
        return lastSeq;
    }

    public List<JsonObject> messages() {
        return Collections.unmodifiableList(held);
    }

    public List<Long> seqs() {
        return held.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
    }

    /** Checks that the reader holds exactly {@code from..to}, each once, in order. */
    public void assertHolds(long from, long to) {
        List<Long> expected = LongStream.rangeClosed(from, to).boxed().toList();
        List<Long> seqs = seqs();
        if (!expected.equals(seqs)) {
            throw new AssertionError(label + ": expected seqs " + from + ".." + to + ", holds " + seqs.size()
                    + " messages: " + (seqs.isEmpty() ? "none" : seqs.get(0) + ".." + seqs.get(seqs.size() - 1)));
        }
    }

    public int connects() {
        return connects;
    }

    public int replayed() {
        return replayed;
    }

    public int live() {
        return live;
    }

    public int paged() {
        return paged;
    }

    /** How many resumes came back {@code recovered:false}. */
    public int unrecovered() {
        return unrecovered;
    }

    /** The codes of the closes the server made (not the reader). */
    public List<Integer> serverCloses() {
        return Collections.unmodifiableList(serverCloses);
    }

    public Users.User user() {
        return user;
    }

    public String label() {
        return label;
    }

    @Override
    public void close() {
        drop(true);
    }

    @Override
    public String toString() {
        return label + " holding up to seq " + lastSeq + " after " + connects + " connections";
    }
}
