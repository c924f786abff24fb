package dev.parley.assistant.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The assistant's threads, made by the container's ManagedThreadFactory (so they carry its
 * context without a capture per task): one that decides which committed messages ask for a
 * reply (it reads the database, so not on the committing thread), and a bounded set that
 * stream replies, each holding its thread for as long as the model server talks.
 */
@ApplicationScoped
public class AssistantThreads {

    private static final Logger LOG = Logger.getLogger(AssistantThreads.class.getName());

    @Resource
    ManagedThreadFactory factory;

    @Inject
    @ConfigProperty(name = "parley.ai.max-streams", defaultValue = "4")
    int maxStreams;

    // messages waiting to be looked at; past it a trigger is lost (logged), never a sender held up
    @Inject
    @ConfigProperty(name = "parley.ai.decide-queue", defaultValue = "10000")
    int decideQueue;

    private ExecutorService decider;
    private ExecutorService streams;

    @PostConstruct
    void start() {
        decider = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(Math.max(1, decideQueue)), factory);
        // no queue: a reply either starts now or the room hears "busy"
        streams = new ThreadPoolExecutor(
                0, Math.max(1, maxStreams), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
    }

    @PreDestroy
    void stop() {
        decider.shutdownNow();
        streams.shutdownNow();
    }

    void decide(Runnable work) {
        try {
            decider.execute(guarded(work));
        } catch (RejectedExecutionException full) {
            LOG.warning("the assistant's queue is full: a message was not looked at");
        }
    }

    /** Starts a reply at once; {@link RejectedExecutionException} when as many are streaming as allowed. */
    void stream(Runnable reply) {
        streams.execute(guarded(reply));
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "an assistant task failed", e);
            }
        };
    }
}
