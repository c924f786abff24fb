package dev.parley.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.parley.support.MicroProcess;
import dev.parley.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode on the embedded H2 database would split into nodes that each hold their own
 * truth: the application refuses to start and says why. Redis is never contacted (the URI names
 * a port where nothing listens). Needs the H2 post-boot file: the default pass only.
 */
class ClusterOnH2IT {

    @Test
    void clusterModeOnH2RefusesToStartWithAClearMessage() throws Exception {
        Assumptions.assumeFalse(TestDatabase.postgres(), "runs in the default (H2) pass");
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "cluster-h2");
        Path log = build.resolve("cluster-on-h2-it.log");
        Files.deleteIfExists(log);
        try (MicroProcess node = MicroProcess.launch(
                data,
                log,
                List.of("-Dparley.redis.uri=redis://127.0.0.1:1"),
                Map.of(),
                MicroProcess.options("payara.extraMicroOptions"))) {
            await("the refusal in the log")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> Files.readString(log)
                            .contains("Parley refuses to start: cluster mode (parley.redis.uri is set) "
                                    + "needs a database that all nodes share"));
            // the server may exit or stay up without the application: either way, the API is not served
            await("the server answers or exits")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !node.isAlive() || answers(node));
            if (node.isAlive()) {
                assertNotEquals(401, node.api().get("/me", null).status(), "the application must not be serving");
            }
        }
    }

    private static boolean answers(MicroProcess node) {
        try {
            node.api().get("/me", null);
            return true;
        } catch (IllegalStateException notListening) {
            return false;
        }
    }
}
