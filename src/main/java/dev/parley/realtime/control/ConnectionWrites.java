package dev.parley.realtime.control;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Writes to Grizzly connections (Payara's HTTP listeners) through the transport's async write
 * queue, for {@link DirectWrite}: Grizzly's calls, looked up on the first connection by name (no
 * vendor type is named). The write's handle takes the concrete classes, not Grizzly's
 * interfaces: a cast to an interface searches the class's secondary supertypes through a
 * one-entry cache, and with several interfaces checked in turn on every write that cache
 * thrashed (7 % of the CPU of a fan-out; JDK-8180450).
 */
final class ConnectionWrites {

    private static final String CALLBACK = "org.glassfish.grizzly.CompletionHandler";

    private final ClassLoader grizzly;
    private final Class<?> connectionClass;
    private final Class<?> callbackType;
    private final Class<?> callbackClass;
    private final Class<?> queueClass;
    private final MethodHandle processor;
    private final MethodHandle queueOf;
    private final MethodHandle write;
    private final MethodHandle wrap;

    ConnectionWrites(Object connection) throws Throwable {
        grizzly = connection.getClass().getClassLoader();
        var lookup = MethodHandles.publicLookup();
        Class<?> connectionType = type(grizzly, "org.glassfish.grizzly.Connection");
        Class<?> io = type(grizzly, "org.glassfish.grizzly.asyncqueue.AsyncQueueIO");
        Class<?> writer = type(grizzly, "org.glassfish.grizzly.asyncqueue.AsyncQueueWriter");
        Class<?> message = type(grizzly, "org.glassfish.grizzly.asyncqueue.WritableMessage");
        Class<?> wrapper = type(grizzly, "org.glassfish.grizzly.memory.ByteBufferWrapper");
        connectionClass = connection.getClass();
        callbackType = type(grizzly, CALLBACK);
        callbackClass = Proxy.newProxyInstance(grizzly, new Class<?>[] {callbackType}, new Completions(null))
                .getClass();
        processor = lookup.findVirtual(
                        connectionType,
                        "getProcessor",
                        MethodType.methodType(type(grizzly, "org.glassfish.grizzly.Processor")))
                .asType(MethodType.methodType(Object.class, Object.class));
        MethodHandle transport = lookup.findVirtual(
                connectionType,
                "getTransport",
                MethodType.methodType(type(grizzly, "org.glassfish.grizzly.Transport")));
        MethodHandle queueIo = lookup.findVirtual(
                type(grizzly, "org.glassfish.grizzly.asyncqueue.AsyncQueueEnabledTransport"),
                "getAsyncQueueIO",
                MethodType.methodType(io));
        MethodHandle writerOf = lookup.findVirtual(io, "getWriter", MethodType.methodType(writer));
        queueOf = MethodHandles.filterReturnValue(
                        MethodHandles.filterReturnValue(
                                transport,
                                queueIo.asType(MethodType.methodType(
                                        io, transport.type().returnType()))),
                        writerOf)
                .asType(MethodType.methodType(Object.class, Object.class));
        queueClass = queueOf.invoke(connection).getClass();
        write = lookup.findVirtual(
                        writer,
                        "write",
                        MethodType.methodType(
                                void.class,
                                connectionType,
                                Object.class,
                                message,
                                callbackType,
                                type(grizzly, "org.glassfish.grizzly.asyncqueue.MessageCloner")))
                .asType(MethodType.methodType(
                        void.class,
                        queueClass,
                        connectionClass,
                        Object.class,
                        wrapper,
                        callbackClass,
                        type(grizzly, "org.glassfish.grizzly.asyncqueue.MessageCloner")))
                .asType(MethodType.genericMethodType(6).changeReturnType(void.class));
        wrap = lookup.findConstructor(wrapper, MethodType.methodType(void.class, ByteBuffer.class))
                .asType(MethodType.methodType(Object.class, ByteBuffer.class));
    }

    // a TLS filter anywhere in the chain, or a chain that is not a plain list: keep Tyrus's path
    private boolean plain(Object connection) throws Throwable {
        if (!(processor.invoke(connection) instanceof List<?> filters) || filters.isEmpty()) {
            return false;
        }
        for (Object filter : filters) {
            String name = filter.getClass().getName().toLowerCase(Locale.ROOT);
            if (name.contains("ssl") || name.contains("tls") || name.contains("unification")) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> type(ClassLoader grizzly, String name) throws ClassNotFoundException {
        return Class.forName(name, false, grizzly);
    }

    /** This connection's writer; null where it must keep the raw-frame write. */
    PreFramed.Writer writerFor(Object connection) throws Throwable {
        if (connection.getClass() != connectionClass || !plain(connection)) {
            return null;
        }
        Queue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();
        Object callback = Proxy.newProxyInstance(grizzly, new Class<?>[] {callbackType}, new Completions(pending));
        Object queue = queueOf.invoke(connection);
        if (callback.getClass() != callbackClass || queue.getClass() != queueClass) {
            return null;
        }
        return new ToConnection(connection, queue, write, wrap, callback, pending);
    }

    /**
     * One connection's writes: each frame wrapped (not copied) and queued on the transport's
     * write queue, which writes it at once when nothing waits before it.
     */
    record ToConnection(
            Object connection,
            Object queue,
            MethodHandle write,
            MethodHandle wrap,
            Object callback,
            Queue<CompletableFuture<Void>> pending)
            implements PreFramed.Writer {

        @Override
        public CompletableFuture<?> write(ByteBuffer frame) throws Throwable {
            CompletableFuture<Void> written = new CompletableFuture<>();
            pending.add(written);
            try {
                Object message = wrap.invokeExact(frame.duplicate());
                write.invokeExact(queue, connection, (Object) null, message, callback, (Object) null);
            } catch (Throwable e) {
                pending.remove(written);
                throw e;
            }
            return written;
        }
    }

    /** Grizzly's completion callbacks, in the order the writes were queued. */
    private record Completions(Queue<CompletableFuture<Void>> pending) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "completed" -> done(null);
                case "failed" -> done(args[0] instanceof Throwable t ? t : new IOException("write failed"));
                case "cancelled" -> done(new IOException("write cancelled"));
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "parley direct write";
                }
                default -> {
                    // "updated": part of a frame written, the rest still queued
                }
            }
            return null;
        }

        private void done(Throwable failure) {
            CompletableFuture<Void> written = pending.poll();
            if (written == null) {
                return;
            }
            if (failure == null) {
                written.complete(null);
            } else {
                written.completeExceptionally(failure);
            }
        }
    }
}
