package dev.parley.realtime.control;

import dev.parley.platform.control.Meters;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection's outgoing frames. They queue here and one write is in flight at a time, so no
 * two writers share the transport, and a slow peer holds up nobody: writes are asynchronous and
 * the next one starts from the completion of the last; where the transport can, the frames that
 * queued meanwhile leave together in that next write. The queue is bounded: typing and
 * presence frames go first; a frame that does not fit closes the connection with 4008 and the
 * client resumes from the database.
 * <p>
 * Queuing ({@link #offer}) never writes, so it may be called under the caller's locks; the
 * caller then starts the writing with {@link #pump} once it holds none. Nothing is written
 * until the container has finished opening the connection ({@link #release}).
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final long IN_FLIGHT_GRACE_NANOS = 1_000_000_000L;
    // a backlog leaves in writes of at most this many frames and characters
    private static final int MAX_TOGETHER = 64;
    private static final int MAX_TOGETHER_CHARS = 64 * 1024;

    private final String name;
    private final Transport transport;
    private final Connection.Limits limits;
    private final boolean writesTogether;

    // guarded by this
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>(4);
    private long queuedBytes;
    private boolean pumping;
    private boolean held = true;
    private boolean pinging;
    // volatile: ChatProtocol reads it without the lock, to ignore frames once a close is decided
    private volatile boolean closed;
    // a write handed to the transport and not completed yet
    private boolean writing;
    // a close decided under the lock (overflow), made by the pump outside it
    private Outgoing.Close pendingClose;
    private Runnable afterClose;

    Outbox(String name, Transport transport, Connection.Limits limits) {
        this.name = name;
        this.transport = transport;
        this.limits = limits;
        this.writesTogether = transport.writesTogether();
    }

    /** Queues and writes; for callers that hold no lock. */
    void send(Outgoing item) {
        if (offer(item)) {
            pump();
        }
    }

    /**
     * Queues an item without writing; true when the caller must call {@link #pump} (outside its
     * locks) to start the writing. Droppable frames give way when the queue is half full; a
     * ping goes ahead of the backlog, one at a time, so that silence measures the peer and not
     * our queue.
     */
    synchronized boolean offer(Outgoing item) {
        if (closed || pendingClose != null) {
            return false;
        }
        if (item == Outgoing.Ping.PING) {
            if (held || pinging) {
                return false;
            }
            pinging = true;
            queue.addFirst(item);
            return startPumping();
        }
        if (item instanceof EncodedFrame frame) {
            boolean full = queue.size() >= limits.maxFrames() || queuedBytes + frame.size() > limits.maxBytes();
            boolean crowded = queue.size() >= limits.maxFrames() / 2 || queuedBytes * 2 > limits.maxBytes();
            if (frame.droppable() && (full || crowded)) {
                limits.meters().add(Meters.Count.DROPPED);
                return false;
            }
            if (full) {
                queue.clear();
                queuedBytes = 0;
                // a full socket cannot always take the 4008 close frame: this count is the server's own record
                limits.meters().add(Meters.Count.SLOW_CLOSES);
                pendingClose = new Outgoing.Close(4008, "too slow: outbound queue overflowed");
                return startPumping();
            }
        }
        queue.add(item);
        queuedBytes += item.size();
        return startPumping();
    }

    private boolean startPumping() {
        if (pumping || held) {
            return false;
        }
        pumping = true;
        return true;
    }

    /**
     * The container has finished opening the connection: the first queued frame goes out whole,
     * on this thread, before anything else starts (a write from another thread during the
     * upgrade could reach the client before the handshake answer), then the rest follows.
     */
    void release() {
        EncodedFrame first = null;
        synchronized (this) {
            held = false;
            if (pumping || (queue.isEmpty() && pendingClose == null)) {
                return;
            }
            pumping = true;
            if (pendingClose == null && queue.peek() instanceof EncodedFrame frame) {
                first = frame;
                queue.poll();
                queuedBytes -= frame.size();
                writing = true;
            }
        }
        if (first != null) {
            try {
                transport.sendNow(first);
            } catch (Throwable e) {
                written();
                failed(e);
                return;
            }
            written();
            delivered(first);
        }
        pump();
    }

    /**
     * Writes what is queued, one item at a time. A write that completes on this thread lets the
     * loop go on; one that completes later continues the loop from its callback: no recursion,
     * no overlap.
     */
    void pump() {
        while (true) {
            Outgoing next;
            List<EncodedFrame> together = null;
            synchronized (this) {
                if (pendingClose != null) {
                    next = pendingClose;
                    pendingClose = null;
                } else {
                    next = closed ? null : queue.poll();
                }
                if (next == null) {
                    pumping = false;
                    return;
                }
                queuedBytes -= next.size();
                pinging &= next != Outgoing.Ping.PING;
                writing = !(next instanceof Outgoing.Close);
                if (writesTogether && next instanceof EncodedFrame first && queue.peek() instanceof EncodedFrame) {
                    together = together(first);
                }
            }
            if (next instanceof Outgoing.Close close) {
                close(close.code(), close.reason());
                continue;
            }
            AtomicInteger handoff = new AtomicInteger();
            Outgoing sent = next;
            List<EncodedFrame> sentTogether = together;
            Consumer<Throwable> done = failure -> {
                written();
                if (failure != null) {
                    failed(failure);
                } else if (sentTogether != null) {
                    sentTogether.forEach(this::delivered);
                } else if (sent instanceof EncodedFrame frame) {
                    delivered(frame);
                }
                if (handoff.incrementAndGet() == 2) {
                    pump();
                }
            };
            try {
                if (together != null) {
                    transport.sendTogether(together, done);
                } else if (next instanceof EncodedFrame frame) {
                    transport.send(frame, done);
                } else {
                    transport.ping(done);
                }
            } catch (Throwable e) {
                // an Error too (the container throws one for text it cannot encode): a write
                // that never completes would leave this outbox pumping for ever
                written();
                failed(e);
                return;
            }
            if (handoff.incrementAndGet() == 1) {
                return;
            }
        }
    }

    // the frames queued behind the first, up to a write's worth: they leave in one write
    private List<EncodedFrame> together(EncodedFrame first) {
        List<EncodedFrame> frames = new ArrayList<>();
        frames.add(first);
        int bytes = first.size();
        while (frames.size() < MAX_TOGETHER
                && queue.peek() instanceof EncodedFrame more
                && bytes + more.size() <= MAX_TOGETHER_CHARS) {
            queue.poll();
            queuedBytes -= more.size();
            bytes += more.size();
            frames.add(more);
        }
        return frames;
    }

    // a live message frame is out: one delivery, and how long it took since its commit
    private void delivered(EncodedFrame frame) {
        if (frame.committedNanos() != 0) {
            limits.delivered().record(System.nanoTime() - frame.committedNanos());
        }
    }

    /** Closed, or closing: nothing more is written. */
    boolean isClosed() {
        return closed;
    }

    /** Frames queued and not yet written. */
    synchronized int depth() {
        return queue.size();
    }

    private synchronized void written() {
        writing = false;
        notifyAll();
    }

    private void failed(Throwable cause) {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
        // a peer that went away is routine; anything else is a defect worth one line
        boolean routine = cause instanceof IOException || cause instanceof IllegalStateException;
        LOG.log(
                first && !routine ? Level.WARNING : Level.FINE,
                "send failed on connection " + name + ": " + cause,
                routine ? cause : null);
        close(1011, "send failed");
    }

    /**
     * Closes now, whatever is queued. With no write in flight the close may follow the writes
     * down their path ({@link Transport#closeAfterWrites}); with one, the container's close.
     */
    void close(int code, String reason) {
        Runnable then;
        boolean inFlight;
        synchronized (this) {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            then = afterClose;
            afterClose = null;
            inFlight = writing;
        }
        try {
            if (inFlight) {
                transport.close(code, reason);
            } else {
                transport.closeAfterWrites(code, reason);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "close failed on connection " + name, e);
        }
        if (then != null) {
            then.run();
        }
    }

    /**
     * The transport is gone (the peer closed or dropped it): nothing more is written. From the
     * container's close callback ({@code waitForWrite}) this waits, briefly, for a write already
     * in flight: Payara Micro 6.2025.10 reuses a closed connection's output buffer for the next
     * connection, so a write that finished after the close could reach another client.
     */
    synchronized void discard(boolean waitForWrite) {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        long deadline = System.nanoTime() + IN_FLIGHT_GRACE_NANOS;
        long left;
        while (waitForWrite && writing && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs once when the connection closes; for transports whose container tells nobody (SSE). */
    synchronized void afterClose(Runnable cleanup) {
        afterClose = cleanup;
    }
}
