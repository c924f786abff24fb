package dev.parley.support;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The server's MicroProfile Metrics, read over HTTP as Prometheus/OpenMetrics text. The endpoint
 * sits at the server root, not under the WAR's context path; {@code -Dparley.metrics.path}
 * moves it if the server exposes it elsewhere. Only ever 127.0.0.1.
 */
public final class Metrics {

    /** Where the server exposes its metrics, below {@code http://127.0.0.1:PORT}. */
    public static final String PATH = System.getProperty("parley.metrics.path", "/metrics");

    private final Api api;
    private final URI root;

    private Metrics(Api api) {
        this.api = api;
        this.root = URI.create("http://127.0.0.1:" + api.base().getPort());
    }

    /** The metrics of the server behind {@code api}. */
    public static Metrics of(Api api) {
        return new Metrics(api);
    }

    /** One sample: the metric's name, its labels as written ({@code a="b",c="d"}, or empty), its value. */
    public record Sample(String name, String labels, double value) {

        /** Whether the sample carries {@code label="value"}. */
        public boolean has(String label, String value) {
            return ("," + labels + ",").contains("," + label + "=\"" + value + "\",");
        }
    }

    /** The gauge {@code parley.connections}: the live sockets and streams in the registry. */
    public long connections() {
        return (long) value("application", name -> name.equals("parley_connections"));
    }

    /** {@code parley.slow.closes.total}: sockets the server closed as too slow (4008). */
    public long slowCloses() {
        return (long) value("application", name -> name.startsWith("parley_slow_closes"));
    }

    /** The JVM's used heap, in bytes. */
    public long usedHeapBytes() {
        return (long) value(
                "base", name -> name.equals("memory_usedHeap_bytes") || name.equals("base_memory_usedHeap_bytes"));
    }

    /** The value of the first sample whose metric name matches, in {@code scope}. */
    public double value(String scope, Predicate<String> name) {
        return samples(scope).stream()
                .filter(sample -> name.test(sample.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no matching metric in " + PATH + "?scope=" + scope + ": " + excerpt(text(scope))))
                .value();
    }

    /** The application's samples, in the order the server wrote them. */
    public List<Sample> application() {
        return samples("application");
    }

    /**
     * Every sample in {@code scope}. Lenient about the format: comments skipped, labels
     * optional, a timestamp after the value ignored.
     */
    public List<Sample> samples(String scope) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text(scope).split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int labels = line.indexOf('{');
            int space = line.indexOf(' ');
            int nameEnd = labels >= 0 && (space < 0 || labels < space) ? labels : space;
            if (nameEnd <= 0) {
                continue;
            }
            boolean labelled = labels == nameEnd;
            int labelsEnd = labelled ? line.lastIndexOf('}') : nameEnd;
            String rest = labelled ? line.substring(labelsEnd + 1) : line.substring(nameEnd);
            String value = rest.strip().split("\\s+")[0];
            try {
                samples.add(new Sample(
                        line.substring(0, nameEnd),
                        labelled ? line.substring(labels + 1, labelsEnd) : "",
                        Double.parseDouble(value)));
            } catch (NumberFormatException e) {
                throw new AssertionError("not a sample value in " + PATH + "?scope=" + scope + ": " + line, e);
            }
        }
        return samples;
    }

    private String text(String scope) {
        Api.Reply reply = api.send(HttpRequest.newBuilder(root.resolve(PATH + "?scope=" + scope))
                .header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(30))
                .GET());
        if (reply.status() != 200) {
            throw new AssertionError(
                    "GET " + PATH + "?scope=" + scope + " answered " + reply.status() + ": " + excerpt(reply.body()));
        }
        return reply.body();
    }

    private static String excerpt(String body) {
        return body.length() <= 2000 ? body : body.substring(0, 2000) + "… (" + body.length() + " chars)";
    }
}
