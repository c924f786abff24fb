package dev.parley.platform.boundary;

import dev.parley.platform.control.LatencyRecorder;
import dev.parley.platform.control.Meters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Publishes {@link Meters} as MicroProfile Metrics (application scope; Prometheus text at
 * {@code /metrics}). The only class that knows the metrics API, and nothing injects it: on a
 * server without MicroProfile Metrics the container drops this bean and the application runs
 * without metrics. Every value is a gauge over a JDK counter, read at the scrape: MP Metrics 5
 * has no counter whose value comes from elsewhere, and Prometheus' {@code rate()} reads a
 * monotonic gauge all the same.
 */
@ApplicationScoped
public class MetricsExport {

    private static final Logger LOG = Logger.getLogger(MetricsExport.class.getName());
    private static final String LATENCY = "parley.delivery.latency.seconds";

    @Inject
    MetricRegistry registry;

    @Inject
    Meters meters;

    void export(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (Meters.Count count : Meters.Count.values()) {
            gauge(count.metric, count.description, m -> m.total(count));
        }
        for (Meters.Level level : Meters.Level.values()) {
            Tag[] tags = level.transport == null ? new Tag[0] : new Tag[] {new Tag("transport", level.transport)};
            gauge(level.metric, level.description, m -> m.level(level), tags);
        }
        String about = "commit (or arrival from another node) to written frame, live messages on this node";
        for (int i = 0; i <= LatencyRecorder.BOUNDS_SECONDS.length; i++) {
            int bound = i;
            String le = i == LatencyRecorder.BOUNDS_SECONDS.length
                    ? "+Inf"
                    : BigDecimal.valueOf(LatencyRecorder.BOUNDS_SECONDS[i]).toPlainString(); // 0.0005, not 5.0E-4
            gauge(LATENCY + ".bucket", about, m -> m.commitToWrite().cumulative(bound), new Tag("le", le));
        }
        gauge(LATENCY + ".count", about, m -> m.commitToWrite().count());
        gauge(LATENCY + ".sum", about, m -> m.commitToWrite().sumSeconds());
        gauge(LATENCY + ".max", about, m -> m.commitToWrite().maxSeconds());
        LOG.fine("application metrics registered");
    }

    private void gauge(String name, String description, Function<Meters, Number> value, Tag... tags) {
        Metadata metadata =
                Metadata.builder().withName(name).withDescription(description).build();
        try {
            registry.gauge(metadata, meters, value, tags);
        } catch (RuntimeException refused) {
            // a metric the registry refuses must not stop the application from starting
            LOG.log(Level.WARNING, "metric " + name + " not registered: " + refused.getMessage());
        }
    }
}
