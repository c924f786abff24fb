package dev.parley.realtime.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Payara's WebSocket layer (Tyrus) turns every text sent into a frame of its own: a new strict
 * UTF-8 charset per frame (whose constructor checks its name and aliases), the text encoded, the
 * frame built, about a quarter of the CPU of a delivery (docs/performance.md). A broadcast sends
 * the same text to every socket in the room, so Parley frames it once ({@link EncodedFrame#wire})
 * and hands those bytes to Tyrus's raw-frame write, which goes straight to the connection's writer.
 * <p>
 * Only where that is the same thing: a Tyrus session with no extension negotiated (so no
 * compression), and only for text frames; pings, closes and the first frame keep the portable
 * path. No vendor type is named: the web socket behind the session's remote is found by name,
 * and on any other container, or a Tyrus that has changed, sessions keep the portable path.
 * {@code parley.ws.pre-framed=false} keeps it everywhere. Where it can, the raw-frame write
 * itself is passed by: the bytes go to the connection under the HTTP layer ({@link DirectWrite},
 * {@code parley.ws.direct-write}).
 */
@ApplicationScoped
public class PreFramed {

    private static final Logger LOG = Logger.getLogger(PreFramed.class.getName());
    private static final String TYRUS_REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String TYRUS_FUTURE = "org.glassfish.tyrus.core.TyrusFuture";

    @Inject
    @ConfigProperty(name = "parley.ws.pre-framed", defaultValue = "true")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "parley.ws.direct-write", defaultValue = "true")
    boolean direct;

    // found on the first Tyrus session; NONE when this container has no such path
    private volatile Path path;
    // found on the first socket that has a connection to look for; NO_DIRECT when there is none
    private volatile Object directWrite;
    private static final Object NO_DIRECT = new Object();

    /** A write of pre-framed bytes to one session; {@link #write} completes when they are out. */
    public interface Writer {
        CompletableFuture<?> write(ByteBuffer frame) throws Throwable;
    }

    /** Tyrus's raw-frame write: its lock, then the servlet output stream. */
    record RawFrame(Object socket, MethodHandle send) implements Writer {
        @Override
        public CompletableFuture<?> write(ByteBuffer frame) throws Throwable {
            return (CompletableFuture<?>) (Future<?>) send.invoke(socket, frame);
        }
    }

    private record Path(Field webSocket, MethodHandle send) {
        static final Path NONE = new Path(null, null);
    }

    /** This session's raw writer, or null where frames must go the portable way. */
    public Writer writerFor(Session session) {
        if (!enabled || !session.getNegotiatedExtensions().isEmpty()) {
            return null;
        }
        Object remote = session.getAsyncRemote();
        Path found = path;
        if (found == null) {
            found = find(remote.getClass());
            path = found;
        }
        if (found == Path.NONE) {
            return null;
        }
        try {
            Object socket = found.webSocket().get(remote);
            if (socket == null) {
                return null;
            }
            Writer raw = new RawFrame(socket, found.send());
            return direct ? DirectWrite.later(socket, session::isOpen, raw, this::directWrite) : raw;
        } catch (IllegalAccessException | IllegalArgumentException e) {
            return null;
        }
    }

    // the way down from a socket to its connection, found once; null where there is none
    private DirectWrite directWrite(Object socket) {
        Object found = directWrite;
        if (found == null) {
            DirectWrite made = DirectWrite.find(socket);
            found = made == null ? NO_DIRECT : made;
            directWrite = found;
            if (made != null) {
                LOG.info(
                        "WebSocket frames are written to the connection under the HTTP layer (parley.ws.direct-write)");
            }
        }
        return found instanceof DirectWrite way ? way : null;
    }

    private static Path find(Class<?> remote) {
        for (Class<?> type = remote; type != null; type = type.getSuperclass()) {
            if (type.getName().equals(TYRUS_REMOTE)) {
                try {
                    Field webSocket = type.getDeclaredField("webSocket");
                    webSocket.setAccessible(true);
                    Class<?> socket = webSocket.getType();
                    Class<?> future = Class.forName(TYRUS_FUTURE, false, socket.getClassLoader());
                    if (!CompletableFuture.class.isAssignableFrom(future)) {
                        break;
                    }
                    MethodHandle send = MethodHandles.publicLookup()
                            .findVirtual(socket, "sendRawFrame", MethodType.methodType(Future.class, ByteBuffer.class))
                            .asType(MethodType.methodType(Future.class, Object.class, ByteBuffer.class));
                    LOG.info("WebSocket text frames are framed once per broadcast (parley.ws.pre-framed)");
                    return new Path(webSocket, send);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.FINE, "no raw-frame write on this container", e);
                    break;
                }
            }
        }
        return Path.NONE;
    }
}
