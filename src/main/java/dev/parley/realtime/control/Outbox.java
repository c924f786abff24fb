package dev.parley.realtime.control;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection's outgoing frames. They queue here and one async write is in flight at a time,
 * so a slow peer never blocks the thread that fans out, and no two writers share the transport.
 * The queue is bounded: typing and presence frames go first; a chat message that does not fit
 * closes the connection with 4008 and the client resumes from the database.
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final String PING = "\u0000ping";
    private static final String CLOSE = "\u0000close";
    private static final long IN_FLIGHT_GRACE_NANOS = 1_000_000_000L;

    private final String name;
    private final Transport transport;
    private final Connection.Limits limits;
    private final Executor writer;

    // guarded by this
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean sending;
    private boolean closed;
    // nothing is written until the container has finished opening: see release()
    private boolean held = true;
    private boolean pinging;
    // a write handed to the transport and not completed yet
    private boolean writing;
    private CloseReason closing;
    private Runnable afterClose;

    /** {@code writer} runs the write loop, so the thread that queues (and its locks) never does I/O. */
    Outbox(String name, Transport transport, Connection.Limits limits, Executor writer) {
        this.name = name;
        this.transport = transport;
        this.limits = limits;
        this.writer = writer;
    }

    /** Queues a frame; droppable ones (typing, presence) give way when the queue is half full. */
    void send(String frame, boolean droppable) {
        boolean overflow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean full = queue.size() >= limits.maxFrames() || queuedBytes + frame.length() > limits.maxBytes();
            boolean crowded = queue.size() >= limits.maxFrames() / 2 || queuedBytes * 2 > limits.maxBytes();
            if (droppable && (full || crowded)) {
                return;
            }
            if (full) {
                overflow = true;
                closed = true;
                queue.clear();
            } else {
                queue.add(frame);
                queuedBytes += frame.length();
                if (sending || held) {
                    return;
                }
                sending = true;
            }
        }
        if (overflow) {
            limits.onOverflow().run();
            close(4008, "too slow: outbound queue overflowed");
        } else {
            dispatch();
        }
    }

    private void dispatch() {
        try {
            writer.execute(this::pump);
        } catch (RuntimeException rejected) {
            failed(rejected);
        }
    }

    /**
     * Starts writing, on the caller's thread, what was queued while the connection opened. Until
     * then frames only queue: a write from another thread while the container is still completing
     * the upgrade can reach the client before the handshake answer.
     */
    void release() {
        String first;
        synchronized (this) {
            held = false;
            if (sending || queue.isEmpty() || queue.peek().startsWith("\u0000")) {
                if (!sending && !queue.isEmpty()) {
                    sending = true;
                    first = null;
                } else {
                    return;
                }
            } else {
                sending = true;
                first = queue.poll();
                queuedBytes -= first.length();
            }
        }
        // the first frame goes out whole before anything else starts: under heavy connection churn
        // an async first write could still be in the container's hands when the next one began
        if (first != null) {
            try {
                transport.sendNow(first);
            } catch (Throwable e) {
                failed(e);
                return;
            }
        }
        pump();
    }

    /**
     * Queues a ping ahead of everything else: it measures whether the peer answers, not how long
     * our backlog takes to drain, so a busy but healthy connection is never taken for silent.
     * One at a time, and none while opening (the first frame must go out alone).
     */
    void ping() {
        synchronized (this) {
            if (closed || held || pinging) {
                return;
            }
            pinging = true;
            queue.addFirst(PING);
            queuedBytes += PING.length();
            if (sending) {
                return;
            }
            sending = true;
        }
        dispatch();
    }

    /** Closes once every frame queued so far is written: an error frame, then the close that it explains. */
    void closeAfterQueued(int code, String reason) {
        synchronized (this) {
            closing = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
        }
        send(CLOSE, false);
    }

    // Writes queued frames one at a time. A send that completes on this thread lets the loop go
    // on; one that completes later continues the loop from its callback: no recursion, no overlap.
    private void pump() {
        while (true) {
            String next;
            synchronized (this) {
                next = queue.poll();
                if (next == null || closed) {
                    sending = false;
                    return;
                }
                queuedBytes -= next.length();
                pinging &= next != PING;
                writing = next != CLOSE;
            }
            if (next == CLOSE) {
                CloseReason reason;
                synchronized (this) {
                    reason = closing;
                }
                close(reason.getCloseCode().getCode(), reason.getReasonPhrase());
                continue;
            }
            AtomicInteger handoff = new AtomicInteger();
            Consumer<Throwable> done = failure -> {
                written();
                if (failure != null) {
                    failed(failure);
                }
                if (handoff.incrementAndGet() == 2) {
                    pump();
                }
            };
            try {
                if (next == PING) {
                    transport.ping(done);
                } else {
                    transport.send(next, done);
                }
            } catch (Throwable e) {
                // an Error too (the container throws one for text it cannot encode): a write
                // that never completes would leave this outbox "sending" for ever
                written();
                failed(e);
                return;
            }
            if (handoff.incrementAndGet() == 1) {
                return;
            }
        }
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
        }
        // a peer that went away is routine; anything else is a defect worth one line
        boolean routine = cause instanceof IOException || cause instanceof IllegalStateException;
        LOG.log(first && !routine ? Level.WARNING : Level.FINE, "send failed on connection " + name + ": " + cause, routine ? cause : null);
        close(1011, "send failed");
    }

    void close(int code, String reason) {
        Runnable then;
        synchronized (this) {
            closed = true;
            then = afterClose;
            afterClose = null;
        }
        try {
            transport.close(code, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "close failed on connection " + name, e);
        }
        if (then != null) {
            then.run();
        }
    }

    /**
     * The transport is gone (the peer closed or dropped it): nothing more is written. Called from
     * the container's close callback, this waits (briefly) for a write already in flight: on
     * Payara Micro 6.2025.10 the container reuses a closed connection's output buffer for the
     * next one, so a write that finished after the close could reach another client.
     */
    synchronized void discard() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        long deadline = System.nanoTime() + IN_FLIGHT_GRACE_NANOS;
        long left;
        while (writing && (left = deadline - System.nanoTime()) > 0) {
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs once when the connection closes; for transports whose container tells nobody (SSE). */
    void afterClose(Runnable cleanup) {
        synchronized (this) {
            afterClose = cleanup;
        }
    }
}
