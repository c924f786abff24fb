package dev.parley.realtime.control;

import dev.parley.platform.control.Meters;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads live delivery runs on, made once by the container's ManagedThreadFactory. A task
 * handed to a managed executor captures the container's context each time (on Payara that
 * searches the WAR's class path: half the CPU at 1,000 subscribers); these threads carry the
 * context they were made with, so a task costs a queue hand-off and nothing more.
 * <p>
 * Lanes: one thread per lane, a room always in the same lane, so a room's committed events
 * leave in the order their transactions announced them. The timer runs pings, token expiries
 * and gap timeouts; closes that may wait run aside.
 */
@ApplicationScoped
public class DeliveryThreads {

    private static final Logger LOG = Logger.getLogger(DeliveryThreads.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Meters meters;

    private Lane[] lanes;
    private ExecutorService closer;
    private ExecutorService housekeeper;
    private ScheduledThreadPoolExecutor timer;

    @PostConstruct
    void start() {
        lanes = new Lane[Math.max(1, Runtime.getRuntime().availableProcessors())];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(threads);
        }
        closer = Executors.newSingleThreadExecutor(threads);
        housekeeper = Executors.newSingleThreadExecutor(threads);
        timer = new ScheduledThreadPoolExecutor(1, threads);
        // cancelled watches (a renewed token, a closed connection) leave the queue at once
        timer.setRemoveOnCancelPolicy(true);
        // the committers wait while it is past parley.delivery.max-lag (DeliveryLag)
        meters.measure(Meters.Level.DELIVERY_LAG, () -> TimeUnit.NANOSECONDS.toMillis(lagNanos()));
    }

    @PreDestroy
    void stop() {
        for (Lane lane : lanes) {
            lane.stop();
        }
        closer.shutdownNow();
        housekeeper.shutdownNow();
        timer.shutdownNow();
    }

    /**
     * Runs the task in the lane of {@code key} (a room id): after every task handed to that lane
     * before. Not wrapped: {@link LaneBatch#run} keeps a throwing task from the others and the lane.
     */
    public void inLane(long key, Runnable task) {
        lanes[(int) Math.floorMod(key, (long) lanes.length)].tasks.add(new Queued(task, System.nanoTime()));
    }

    /** How long the oldest task waiting for any lane has waited, in nanoseconds; 0 when none waits. */
    long lagNanos() {
        long now = System.nanoTime();
        long lag = 0;
        for (Lane lane : lanes) {
            Queued oldest = lane.tasks.peek();
            if (oldest != null) {
                lag = Math.max(lag, now - oldest.at());
            }
        }
        return lag;
    }

    private record Queued(Runnable task, long at) {}

    /**
     * One thread taking the tasks handed to it in order; those already waiting when it looks
     * run as one {@link LaneBatch}, so that their frames can leave together.
     */
    private static final class Lane implements Runnable {

        private static final int MAX_BATCH = 64;

        final BlockingQueue<Queued> tasks = new LinkedBlockingQueue<>();
        private final Thread thread;

        Lane(ThreadFactory threads) {
            thread = threads.newThread(this);
            thread.start();
        }

        @Override
        public void run() {
            List<Queued> waiting = new ArrayList<>(MAX_BATCH);
            List<Runnable> batch = new ArrayList<>(MAX_BATCH);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    waiting.add(tasks.take());
                } catch (InterruptedException e) {
                    return;
                }
                tasks.drainTo(waiting, MAX_BATCH - 1);
                for (Queued queued : waiting) {
                    batch.add(queued.task());
                }
                waiting.clear();
                LaneBatch.run(batch);
                batch.clear();
            }
        }

        void stop() {
            thread.interrupt();
        }
    }

    /**
     * Runs a close that may wait (for a write stuck on a dead peer) on a thread of its own, so
     * that the timer's pings and expiries never wait behind it.
     */
    public void closeAside(Runnable close) {
        closer.execute(guarded(close));
    }

    /**
     * Runs periodic work that waits on the database or another server on a thread of its own,
     * so that neither the timer's pings nor the closes wait behind a slow look-up.
     */
    public void aside(Runnable work) {
        housekeeper.execute(guarded(work));
    }

    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return timer.schedule(guarded(task), delay, unit);
    }

    public ScheduledFuture<?> every(Runnable task, long period, TimeUnit unit) {
        return timer.scheduleAtFixedRate(guarded(task), period, period, unit);
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    // a task that throws must not end a repeating schedule or kill the closer's thread silently
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "a delivery task failed", e);
            }
        };
    }
}
