package dev.parley.support;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A small black-box client for the REST API. It only ever talks to 127.0.0.1, whatever host
 * Arquillian reports.
 */
public final class Api {

    private static final Logger LOG = Logger.getLogger(Api.class.getName());

    /**
     * Requests that met the container's own fault in this JVM: its HTML 500 page (never Parley's
     * problem+json), or a handshake or stream answered with 5xx or not at all.
     */
    public static final AtomicInteger CONTAINER_CRASHES = new AtomicInteger();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;

    public Api(URL deployment) {
        this(URI.create("http://127.0.0.1:" + deployment.getPort() + contextPath(deployment)));
    }

    public Api(URI base) {
        this.base = base;
    }

    private static String contextPath(URL url) {
        String path = url.getPath();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    public URI base() {
        return base;
    }

    /** The same deployment for WebSocket clients: {@code ws://127.0.0.1:PORT/context}. */
    public URI wsBase() {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + base.getPath());
    }

    public Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Reply post(String path, String json, String token) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply patch(String path, String json, String token) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String token) {
        return send(request(path, token).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    public Reply delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Reply send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        Reply first = exchange(built);
        if (first.isContainerCrash() || first.isLostPath(base)) {
            // Payara's known race (payara/Payara#5432, README "Known issues"): a socket closing
            // elsewhere can recycle the request objects of one in flight, which then fails with an
            // HTML 500, mostly before Parley's code runs and sometimes after (a retried sign-up
            // then finds its name taken: Users.assertRegistered); or, in clean CI runs on
            // 2026-12-05, with an empty 500 or a 301 to the context root, as if the request had
            // lost its path. Counted and retried once, never hidden twice.
            containerFault(
                    built.method() + " " + built.uri().getPath(),
                    first.status() + " "
                            + first.body()
                                    .lines()
                                    .filter(l -> l.contains("Exception"))
                                    .findFirst()
                                    .orElse(""));
            return exchange(built);
        }
        if (first.isUnrouted()) {
            // JAX-RS found no resource for a path the tests only use when it exists: seen once on
            // Payara Server, in CI, for GET /api/direct between two requests that reached it. No
            // Parley code ran, so sending again is safe; a path that truly has no resource
            // answers 404 again and is returned as it is, uncounted.
            Reply again = exchange(built);
            if (again.status() != 404) {
                containerFault(built.method() + " " + built.uri().getPath(), "404 from JAX-RS's routing");
            }
            return again;
        }
        return first;
    }

    /**
     * Counts one meeting with Payara's recycled-request race (payara/Payara#5432, README "Known
     * issues") and says so in the test log; the caller then tries once more, never twice.
     */
    static void containerFault(String what, String detail) {
        CONTAINER_CRASHES.incrementAndGet();
        LOG.warning(() -> "container fault on " + what + " (payara/Payara#5432), retrying once: " + detail);
    }

    private Reply exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(base.getPath() + "/api" + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** An answer: status, raw body, and the body read as JSON when it is JSON. */
    public record Reply(int status, String body, HttpResponse<String> response) {

        public JsonObject json() {
            return (JsonObject) value();
        }

        public JsonArray array() {
            return (JsonArray) value();
        }

        public JsonValue value() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readValue();
            } catch (RuntimeException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        /**
         * A 500 that Parley did not write: Parley's are always problem+json (UnexpectedMapper).
         * Seen as the container's HTML page for a NullPointerException, and (ChatIT, a clean CI
         * run on PostgreSQL, 2026-12-05) as a 500 with no body at all.
         */
        boolean isContainerCrash() {
            return status == 500 && !"application/problem+json".equals(contentType());
        }

        /** The container's redirect to the context root, for a request under /api: its path was lost. */
        boolean isLostPath(URI base) {
            if (status != 301 && status != 302) {
                return false;
            }
            String root = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
            return header("Location")
                    .map(location -> URI.create(location).getPath())
                    .filter(root::equals)
                    .isPresent();
        }

        /**
         * JAX-RS's own 404 (no resource matched): Parley's refusals always say what was not
         * found, this one only repeats the reason phrase.
         */
        boolean isUnrouted() {
            return status == 404
                    && "application/problem+json".equals(contentType())
                    && "Not Found".equals(json().getString("detail", ""));
        }

        /** The media type without parameters such as charset. */
        public String contentType() {
            return header("Content-Type").orElse("").split(";")[0].strip();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
