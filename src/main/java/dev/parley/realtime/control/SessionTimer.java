package dev.parley.realtime.control;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Field;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Payara's WebSocket layer (Tyrus) re-arms each session's idle-timeout task on every frame sent
 * or received, on the container's default managed scheduled executor, whose context capture
 * searches the class path each time: about 0.2 ms per frame, and a lock that 64 request threads
 * convoy on (docs/performance.md). Parley sets every session's idle timeout to 0 and runs
 * {@link Liveness} instead, so each of those tasks is due at once and finds nothing to do.
 * <p>
 * This hands Tyrus's container a plain scheduler: a task due now runs at once in the caller
 * (with a zero timeout Tyrus's task only reads two fields), a later one on a thread made once
 * by the container's thread factory. No vendor type is named: the field is found by name, and on
 * any other container, or a Tyrus that has changed, nothing happens (logged at FINE).
 * {@code parley.ws.session-timer=false} leaves the container as it is.
 */
@ApplicationScoped
public class SessionTimer {

    private static final Logger LOG = Logger.getLogger(SessionTimer.class.getName());
    private static final String CONTAINER = "jakarta.websocket.server.ServerContainer";
    private static final String TYRUS_CONTAINER = "org.glassfish.tyrus.core.BaseContainer";
    private static final String FIELD = "managedScheduledExecutorService";

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "parley.ws.session-timer", defaultValue = "true")
    boolean enabled;

    private Immediate timer;

    void started(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        if (enabled) {
            install(context.getAttribute(CONTAINER));
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void install(Object container) {
        Field field = container == null ? null : field(container.getClass());
        if (field == null) {
            LOG.fine("the WebSocket container keeps no managed session timer; nothing to replace");
            return;
        }
        try {
            field.setAccessible(true);
            if (field.get(container) == null) {
                return; // Tyrus made a plain scheduler of its own already
            }
            timer = new Immediate(threads);
            field.set(container, timer);
            LOG.info("WebSocket session timers run on Parley's own scheduler (parley.ws.session-timer)");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning(() -> "cannot replace the WebSocket container's session timer (" + e
                    + "); each frame keeps its context capture");
        }
    }

    private static Field field(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(TYRUS_CONTAINER)) {
                try {
                    Field field = c.getDeclaredField(FIELD);
                    return field.getType() == ScheduledExecutorService.class ? field : null;
                } catch (NoSuchFieldException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Runs a task that is already due in the caller, the rest on its own thread. */
    static final class Immediate extends ScheduledThreadPoolExecutor {

        Immediate(ThreadFactory threads) {
            super(1, threads);
            setRemoveOnCancelPolicy(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (delay <= 0) {
                try {
                    command.run();
                } catch (RuntimeException e) {
                    LOG.fine(() -> "a WebSocket session timer task failed: " + e);
                }
                return Ran.DONE;
            }
            try {
                return super.schedule(command, delay, unit);
            } catch (RejectedExecutionException stopping) {
                return Ran.DONE; // the application is going away, and its sessions with it
            }
        }
    }

    /** The future of a task that has run, or never will because the application stopped. */
    static final class Ran implements ScheduledFuture<Object> {

        static final Ran DONE = new Ran();

        private Ran() {}

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
