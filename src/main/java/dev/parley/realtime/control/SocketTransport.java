package dev.parley.realtime.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A JSR-356 session; the outbox guarantees one write at a time. On Tyrus, text frames go out as
 * the bytes {@link PreFramed} framed once for every socket; everything else, and every frame on
 * other containers, through the session's remote.
 * <p>
 * On Tyrus (Payara) every send also schedules an idle-timeout task on a managed executor, even
 * with the timeout off, and each such task captures the container context: Payara's capture
 * loads a service list through the thread's context class loader, which for the WAR's loader
 * means searching the WAR's jars, about four fifths of the CPU of a send. Writing with the
 * platform loader as the context loader makes that search trivial; the task it schedules is a
 * no-op. Only on Tyrus, and only around the write: nothing of Parley's runs under it but the
 * outbox's completion bookkeeping. Since {@link SessionTimer} hands Tyrus a plain scheduler this
 * matters only with {@code parley.ws.session-timer=false}; otherwise it is a small per-write cost
 * that could go, once a benchmark run shows what removing it changes.
 */
public final class SocketTransport implements Transport {

    private static final ClassLoader WITHOUT_SERVICES = ClassLoader.getPlatformClassLoader();

    /**
     * How long after the open a close waits: the endpoint's open runs inside the container's
     * upgrade, and on Payara a close that meets the end of that upgrade can recycle its request
     * twice (payara/Payara#5432, and the close handshake below).
     */
    static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** How long a client has to answer the server's close frame before the server closes anyway. */
    static final long CLOSE_REPLY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Session session;
    private final boolean tyrus;
    // Tyrus's raw-frame write for this session (PreFramed); null where text goes the portable way
    private final PreFramed.Writer raw;
    // runs a task after a delay in nanoseconds, off the caller's thread
    private final BiConsumer<Runnable, Long> later;
    private final long settled;

    public SocketTransport(Session session, PreFramed.Writer raw, BiConsumer<Runnable, Long> later) {
        this.session = session;
        this.tyrus = session.getClass().getName().startsWith("org.glassfish.tyrus.");
        this.raw = raw;
        this.later = later;
        this.settled = System.nanoTime() + SETTLE_NANOS;
    }

    @Override
    public void send(EncodedFrame frame, Consumer<Throwable> done) {
        // a write to a session the peer already dropped can land on the container's recycled
        // buffers, which by then may belong to another connection: never write to a closed one
        if (!session.isOpen()) {
            done.accept(new IOException("the session is closed"));
            return;
        }
        if (raw != null) {
            sendRaw(frame.wire(), done);
            return;
        }
        ClassLoader own = withoutServices();
        try {
            session.getAsyncRemote()
                    .sendText(frame.text(), result -> done.accept(result.isOK() ? null : result.getException()));
        } finally {
            Thread.currentThread().setContextClassLoader(own);
        }
    }

    @Override
    public boolean writesTogether() {
        return raw != null;
    }

    @Override
    public void sendTogether(List<EncodedFrame> frames, Consumer<Throwable> done) {
        if (!session.isOpen()) {
            done.accept(new IOException("the session is closed"));
            return;
        }
        int length = 0;
        List<ByteBuffer> wires = new ArrayList<>(frames.size());
        for (EncodedFrame frame : frames) {
            ByteBuffer wire = frame.wire();
            wires.add(wire);
            length += wire.remaining();
        }
        ByteBuffer together = ByteBuffer.allocate(length);
        wires.forEach(together::put);
        sendRaw(together.flip(), done);
    }

    // no session timer is re-armed on this path, so no loader swap either
    private void sendRaw(ByteBuffer wire, Consumer<Throwable> done) {
        CompletableFuture<?> written;
        try {
            written = raw.write(wire);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            done.accept(e);
            return;
        }
        written.whenComplete((result, failure) -> done.accept(failure));
    }

    /** On Tyrus, the platform loader as the thread's context loader (see above); returns the one to put back. */
    private ClassLoader withoutServices() {
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        if (tyrus) {
            thread.setContextClassLoader(WITHOUT_SERVICES);
        }
        return own;
    }

    @Override
    public void sendNow(EncodedFrame frame) throws IOException {
        if (!session.isOpen()) {
            throw new IOException("the session is closed");
        }
        ClassLoader own = withoutServices();
        try {
            session.getBasicRemote().sendText(frame.text());
        } finally {
            Thread.currentThread().setContextClassLoader(own);
        }
    }

    @Override
    public void ping(Consumer<Throwable> done) {
        if (!session.isOpen()) {
            done.accept(new IOException("the session is closed"));
            return;
        }
        ClassLoader own = withoutServices();
        Throwable failure = null;
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            Thread.currentThread().setContextClassLoader(own);
        }
        done.accept(failure);
    }

    @Override
    public void close(int code, String reason) {
        long early = settled - System.nanoTime();
        if (early > 0) {
            later.accept(() -> closeNow(code, reason), early);
            return;
        }
        closeNow(code, reason);
    }

    /**
     * On Tyrus, a close made from any thread but the socket's reader ends the connection while
     * the client may already be answering it: on Payara Micro 6.2025.10 that client's answer and
     * the server's own close can both finish the upgrade's request, which the container then hands
     * to two later requests (other clients got a 500, no answer, or another request's answer:
     * about 1 in 10,000 refused handshakes, payara/Payara#5432). So the close frame is written
     * here like any frame, and the connection ends when the client's close frame comes back, on
     * the reader, as it does when a client closes first; a client that does not answer is closed
     * after {@link #CLOSE_REPLY_NANOS}. Elsewhere, and on Tyrus without the raw write, the
     * container's own close. Tyrus answers the client's close frame with one of its own, which
     * the client, its close handshake done, ignores.
     */
    @Override
    public void closeAfterWrites(int code, String reason) {
        long early = settled - System.nanoTime();
        if (early > 0) {
            later.accept(() -> closeAfterWrites(code, reason), early);
            return;
        }
        if (raw == null || !session.isOpen()) {
            closeNow(code, reason);
            return;
        }
        // a peer that reads nothing more may never let the close frame out: the bound runs from now
        later.accept(() -> closeNow(code, reason), CLOSE_REPLY_NANOS);
        CompletableFuture<?> written;
        try {
            written = raw.write(closeFrame(code, reason));
        } catch (Throwable e) {
            closeNow(code, reason);
            return;
        }
        written.whenComplete((result, failure) -> {
            if (failure != null) {
                closeNow(code, reason);
            }
        });
    }

    // RFC 6455 5.5.1: FIN and opcode 8, unmasked, the code and at most 123 bytes of reason
    static ByteBuffer closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
            length--;
        }
        ByteBuffer frame = ByteBuffer.allocate(4 + length);
        frame.put((byte) 0x88).put((byte) (2 + length)).putShort((short) code).put(text, 0, length);
        return frame.flip();
    }

    private void closeNow(int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException e) {
            // already gone: nothing left to tell the peer
        }
    }

    @Override
    public boolean hearsBack() {
        return true;
    }
}
