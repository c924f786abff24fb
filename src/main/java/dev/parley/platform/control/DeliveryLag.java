package dev.parley.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How late live delivery is: the age of the oldest committed event still waiting for its delivery
 * thread. Committing new sends while delivery is seconds behind only lengthens the line of events
 * nobody has seen yet: a node short of CPU (a cold JIT, a long GC pause, more load than it can
 * carry) queued 18–50 s of deliveries in memory and delivered every message that late. So
 * the committers wait ({@link #awaitCaughtUp}) while the lag is past {@code parley.delivery.max-lag};
 * the sends behind them wait in the line of sends and, past its bounds, are refused {@code busy},
 * which the sender can see and retry, instead of being delivered late without a word.
 * <p>
 * The delivery threads measure it ({@link Meters.Level#DELIVERY_LAG}, also a metric); the
 * committers read it. Neither knows the other.
 */
@ApplicationScoped
public class DeliveryLag {

    private static final Logger LOG = Logger.getLogger(DeliveryLag.class.getName());
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    @Inject
    @ConfigProperty(name = "parley.delivery.max-lag", defaultValue = "PT2S")
    Duration maxLag;

    @Inject
    Meters meters;

    // an overloaded node may fall behind and catch up every few seconds: one warning a minute
    private volatile long warnedAt = System.nanoTime() - WARN_EVERY_NANOS;

    public DeliveryLag() {}

    /** Outside a container: the limit given, not configured. */
    public DeliveryLag(Duration maxLag, Meters meters) {
        this.maxLag = maxLag;
        this.meters = meters;
    }

    private long millis() {
        return meters.level(Meters.Level.DELIVERY_LAG);
    }

    /**
     * Returns once delivery is within {@code parley.delivery.max-lag}, or once {@code stop} says
     * so. Delivery threads never wait on anything the caller holds, so they always catch up.
     */
    public void awaitCaughtUp(BooleanSupplier stop) {
        long limit = maxLag.toMillis();
        if (limit <= 0 || millis() <= limit) {
            return;
        }
        long now = System.nanoTime();
        if (now - warnedAt > WARN_EVERY_NANOS) {
            warnedAt = now;
            LOG.warning(() -> "live delivery is " + millis()
                    + " ms behind: sends wait until it catches up (parley.delivery.max-lag)");
        }
        while (millis() > limit
                && !stop.getAsBoolean()
                && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(CHECK_NANOS);
        }
    }
}
