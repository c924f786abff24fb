package dev.parley.realtime.control;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Payara only: pre-framed bytes written to the socket's TCP connection (Grizzly's write queue,
 * {@link ConnectionWrites}) instead of through the servlet output stream under Tyrus. That stream
 * copies every frame into a fresh buffer and sends it down the HTTP filter chain of the upgrade's
 * request, whose end re-registers the connection's read interest with the selector; passing it by
 * took a quarter off the CPU of a fan-out delivery (docs/performance.md). Below the HTTP layer an
 * upgraded connection carries nothing but WebSocket frames, so the bytes are the same.
 * <p>
 * Only on a connection whose filter chain has no TLS (the bytes would skip the encryption), and
 * only where every step below is found as expected; otherwise the socket keeps Tyrus's raw-frame
 * write. No vendor type is named. The connection itself is held, not the upgrade's request or
 * stream, which the container recycles after a close. Frames leave in order: one write at a time
 * per socket (the outbox), and Grizzly completes a connection's writes in the order they were
 * queued. Tyrus's own frames (pongs, its close) still take its path; whole frames interleave,
 * which WebSocket allows for control frames.
 */
final class DirectWrite {

    private static final Logger LOG = Logger.getLogger(DirectWrite.class.getName());
    // writes before Tyrus has opened its stream; past them the socket keeps the raw-frame write
    private static final int MAX_TRIES = 8;

    private final MethodHandle protocolHandler;
    private final MethodHandle tyrusWriter;
    private final MethodHandle stream;
    private final MethodHandle catalinaBuffer;
    private final MethodHandle grizzlyBuffer;
    private final MethodHandle connection;
    // looked up on the first connection written to
    private volatile ConnectionWrites writes;

    private DirectWrite(Object webSocket, Object outputStream) throws Throwable {
        protocolHandler = getter(webSocket.getClass(), "protocolHandler");
        Object handler = protocolHandler.invoke(webSocket);
        tyrusWriter = getter(handler.getClass(), "writer");
        stream = getter(tyrusWriter.invoke(handler).getClass(), "servletOutputStream");
        catalinaBuffer = getter(outputStream.getClass(), "ob");
        Object ob = catalinaBuffer.invoke(outputStream);
        grizzlyBuffer = getter(ob.getClass(), "grizzlyOutputBuffer");
        connection = getter(grizzlyBuffer.invoke(ob).getClass(), "connection");
    }

    /**
     * A writer that finds the socket's connection once Tyrus has written to it (Tyrus opens its
     * servlet stream at its first write, and the container completes the upgrade only after the
     * endpoint's open, where the socket's writer is made). Until then, and for good where there is
     * no such connection, frames take {@code raw}. The socket must still be {@code open} after its
     * connection was read: only then was the upgrade's stream still this socket's, since the
     * container recycles it only after the session has closed.
     */
    static PreFramed.Writer later(
            Object webSocket, BooleanSupplier open, PreFramed.Writer raw, Function<Object, DirectWrite> way) {
        return new PreFramed.Writer() {
            private PreFramed.Writer resolved;
            private int tries;

            // the outbox writes one frame at a time, each after the last completed: no race here
            @Override
            public CompletableFuture<?> write(ByteBuffer frame) throws Throwable {
                PreFramed.Writer writer = resolved;
                if (writer == null) {
                    writer = raw;
                    Object stream = streamOf(webSocket);
                    if (stream != null || ++tries >= MAX_TRIES) {
                        DirectWrite found = stream == null ? null : way.apply(webSocket);
                        PreFramed.Writer direct = found == null ? null : found.writerFor(webSocket);
                        if (!open.getAsBoolean()) {
                            return CompletableFuture.failedFuture(new IOException("the session is closed"));
                        }
                        writer = direct == null ? raw : direct;
                        resolved = writer;
                    }
                }
                return writer.write(frame);
            }
        };
    }

    /** The way down from a Tyrus web socket that has written, found once; null where there is none. */
    static DirectWrite find(Object webSocket) {
        try {
            return new DirectWrite(webSocket, streamOf(webSocket));
        } catch (Throwable e) {
            LOG.log(Level.FINE, "no direct connection write on this container", e);
            return null;
        }
    }

    // Tyrus's servlet stream for this socket, or null before its first write or where there is none
    private static Object streamOf(Object webSocket) {
        try {
            Object handler = field(webSocket.getClass(), "protocolHandler").get(webSocket);
            Object writer = field(handler.getClass(), "writer").get(handler);
            return field(writer.getClass(), "servletOutputStream").get(writer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** This socket's connection writer; null to keep the raw-frame write. */
    PreFramed.Writer writerFor(Object webSocket) {
        try {
            Object out = stream.invoke(tyrusWriter.invoke(protocolHandler.invoke(webSocket)));
            Object connection =
                    out == null ? null : this.connection.invoke(grizzlyBuffer.invoke(catalinaBuffer.invoke(out)));
            if (connection == null) {
                return null;
            }
            ConnectionWrites found = writes;
            if (found == null) {
                found = new ConnectionWrites(connection);
                writes = found;
            }
            return found.writerFor(connection);
        } catch (Throwable e) {
            LOG.log(Level.FINE, "this socket keeps the raw-frame write", e);
            return null;
        }
    }

    // typed Object to Object once, so that no call adapts its types
    private static MethodHandle getter(Class<?> type, String name) throws ReflectiveOperationException {
        return MethodHandles.lookup()
                .unreflectGetter(field(type, name))
                .asType(MethodType.methodType(Object.class, Object.class));
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            try {
                Field field = t.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException next) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }
}
