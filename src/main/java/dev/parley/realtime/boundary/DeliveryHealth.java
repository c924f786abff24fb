package dev.parley.realtime.boundary;

import dev.parley.realtime.control.SessionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the application answers at all; reports how many connections this node holds. */
@Liveness
@ApplicationScoped
public class DeliveryHealth implements HealthCheck {

    @Inject
    SessionRegistry registry;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("delivery")
                .up()
                .withData("connections", registry.connectionCount())
                .build();
    }
}
