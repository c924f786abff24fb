package dev.parley.cluster.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness in cluster mode: DOWN while Redis is away, so a load balancer can prefer the nodes
 * whose sockets still hear the whole cluster. The node keeps serving its own connections either
 * way. One node: always UP, Redis plays no part.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

    @Inject
    ClusterBus bus;

    @Inject
    RedisLink link;

    @Override
    public HealthCheckResponse call() {
        if (!bus.enabled()) {
            return HealthCheckResponse.named("cluster")
                    .up()
                    .withData("mode", "single node")
                    .build();
        }
        return HealthCheckResponse.named("cluster")
                .status(link.up())
                .withData("mode", "cluster")
                .withData("node", bus.node())
                .withData("redis", link.up() ? "connected" : "away: cross-node delivery paused")
                .build();
    }
}
