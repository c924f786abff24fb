package dev.parley.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A black-box Server-Sent Events client on {@link java.net.http.HttpClient} (HTTP/1.1), as a
 * browser's EventSource would use the stream: {@code GET /api/...} with
 * {@code Accept: text/event-stream}, an optional Bearer header, an optional
 * {@code Last-Event-ID}. A daemon thread reads the body line by line and parses it by the
 * EventSource rules (fields {@code id}, {@code event}, {@code data}; comment lines starting with a
 * colon are counted and dropped; a blank line ends an event) into a queue that the test takes
 * from with bounded waits. Only ever talks to 127.0.0.1.
 *
 * <p>Unlike EventSource, an event's {@link Event#id()} is the id line of that very event (null
 * when it had none), so that tests can check which events carry an id.
 */
public final class SseClient implements AutoCloseable {

    /** The default bound for one expected event. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** One dispatched event: its own id line (or null), its type ("message" when it named none), its data. */
    public record Event(String id, String type, String data) {

        /** The data read as one JSON object. */
        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(data))) {
                return reader.readObject();
            } catch (RuntimeException e) {
                throw new AssertionError("the data of event " + type + " is not a JSON object: " + data, e);
            }
        }

        @Override
        public String toString() {
            return "[" + (id == null ? "" : "id " + id + ", ") + "event " + type + ": " + data + "]";
        }
    }

    private final String label;
    private final int status;
    private final String contentType;
    private final String body;
    private final InputStream stream;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final AtomicInteger comments = new AtomicInteger();
    private volatile boolean closing;
    private volatile String lastEventId;
    private Thread reader;

    private SseClient(String label, int status, String contentType, String body, InputStream stream) {
        this.label = label;
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.stream = stream;
    }

    /** Starts a request for {@code pathAndQuery} below {@code /api} of the deployment, e.g. {@code /rooms/8/events?since=3}. */
    public static Dial to(Api api, String pathAndQuery) {
        return new Dial(api, pathAndQuery);
    }

    /** The request's options: a Bearer token and further headers (Last-Event-ID, say). */
    public static final class Dial {
        private final URI uri;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String who = "anonymous";

        private Dial(Api api, String pathAndQuery) {
            URI base = api.base();
            this.uri = URI.create(base.getScheme() + "://" + base.getHost() + ":" + base.getPort() + base.getPath()
                    + "/api" + pathAndQuery);
            this.path = pathAndQuery.split("\\?")[0];
            if (!"127.0.0.1".equals(uri.getHost())) {
                throw new IllegalArgumentException("tests only connect to 127.0.0.1, not " + uri.getHost());
            }
            String query = uri.getRawQuery();
            if (query != null && query.contains("token=")) {
                who = "query token";
            }
        }

        public Dial bearer(String token) {
            headers.put("Authorization", "Bearer " + token);
            who = "bearer";
            return this;
        }

        /** The header a reconnecting EventSource sends. */
        public Dial lastEventId(Object id) {
            return header("Last-Event-ID", String.valueOf(id));
        }

        public Dial as(String label) {
            this.who = label;
            return this;
        }

        public Dial header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /**
         * Sends the request and waits (bounded) for the response head. A 2xx answer is read as an
         * event stream from then on; any other answer is read whole into {@link #body()}.
         */
        public SseClient open() {
            String label = "SSE " + who + " on " + path;
            HttpResponse<InputStream> response = head(this, label);
            if (response == null || isContainerPage(response)) {
                // Payara's recycled-request race, not Parley: Parley answers every request, and
                // its own errors are problem+json; a GET may go once more, never twice
                Api.containerFault(label, response == null ? "no response head within " + WAIT : "its HTML 500 page");
                if (response != null) {
                    readWhole(label, response.body());
                }
                response = head(this, label);
                if (response == null) {
                    throw new AssertionError(label + ": no response head within " + WAIT + ", twice");
                }
            }
            int status = response.statusCode();
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (status / 100 != 2) {
                String text = readWhole(label, response.body());
                return new SseClient(label, status, contentType, text, null);
            }
            SseClient client = new SseClient(label, status, contentType, "", response.body());
            client.start();
            return client;
        }
    }

    /** The response head within {@link #WAIT}, or null when none came (the request is then cancelled). */
    private static HttpResponse<InputStream> head(Dial dial, String label) {
        // no request timeout: it must not cut the stream; the wait for the head is bounded here
        HttpRequest.Builder request = HttpRequest.newBuilder(dial.uri).GET().header("Accept", "text/event-stream");
        dial.headers.forEach(request::header);
        CompletableFuture<HttpResponse<InputStream>> response =
                HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            return response.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(label + ": the request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            response.cancel(true);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static boolean isContainerPage(HttpResponse<?> response) {
        return response.statusCode() == 500
                && response.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
    }

    private static String readWhole(String label, InputStream in) {
        CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(body unreadable: " + e + ")";
            }
        });
        try {
            return text.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we can do
            }
            throw new AssertionError(
                    label + ": a refusal's body did not end within " + WAIT + " (a stream where none was expected?)",
                    e);
        } catch (ExecutionException e) {
            throw new AssertionError(label + ": reading the body failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- the response

    public int status() {
        return status;
    }

    /** The media type without parameters such as charset. */
    public String contentType() {
        return contentType.split(";")[0].strip();
    }

    /** The whole body of a refused (non-2xx) request; empty for a stream. */
    public String body() {
        return body;
    }

    /** The body of a refusal read as JSON. */
    public JsonObject problem() {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new AssertionError(label + ": the body is not a JSON object (status " + status + "): " + body, e);
        }
    }

    /** How many comment lines (keep-alives) the stream carried so far. */
    public int comments() {
        return comments.get();
    }

    /** The id of the last event that had one, as an EventSource would send it when reconnecting. */
    public String lastEventId() {
        return lastEventId;
    }

    // ---- reading the stream

    private void start() {
        reader = new Thread(this::read, label + " reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        String id = null;
        String type = null;
        StringBuilder data = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null || type != null) {
                        events.add(new Event(id, type == null ? "message" : type, data == null ? "" : data.toString()));
                    }
                    id = null;
                    type = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    comments.incrementAndGet();
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> {
                        id = value;
                        lastEventId = value;
                    }
                    case "event" -> type = value;
                    case "data" ->
                        data = data == null
                                ? new StringBuilder(value)
                                : data.append('\n').append(value);
                    default -> {
                        // retry and unknown fields: ignored, as EventSource does
                    }
                }
            }
            ended.complete("the server ended the stream");
        } catch (IOException | RuntimeException e) {
            ended.complete(closing ? "closed by the test" : "the stream broke: " + e);
        }
    }

    /** The next event, whatever its type. */
    public Event next(Duration timeout) {
        Event event = poll(timeout);
        if (event == null) {
            throw new AssertionError(label + ": expected an event within " + timeout + ", got none" + endedNote());
        }
        return event;
    }

    /** The next event, which must be of {@code type}. */
    public Event next(String type) {
        return next(type, WAIT);
    }

    /**
     * The next event of {@code type}. Events of the types listed in {@code mayskip} are dropped on
     * the way; any other event fails the test.
     */
    public Event next(String type, Duration timeout, String... mayskip) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> skipped = new ArrayList<>();
        while (true) {
            Event event = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            String expected =
                    "expected an event " + type + " (may skip " + Arrays.toString(mayskip) + ") within " + timeout;
            if (event == null) {
                throw new AssertionError(label + ": " + expected + ", got none; skipped " + skipped + endedNote());
            }
            if (type.equals(event.type())) {
                return event;
            }
            if (!Arrays.asList(mayskip).contains(event.type())) {
                throw new AssertionError(
                        label + ": " + expected + ", got " + event + " (after skipping " + skipped + ")");
            }
            skipped.add(event);
        }
    }

    /** Waits {@code quiet} and fails on any event that is not of an {@code ignorable} type. */
    public void assertNothing(Duration quiet, String... ignorable) {
        long deadline = System.nanoTime() + quiet.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Event event = poll(Duration.ofNanos(left));
            if (event != null && !Arrays.asList(ignorable).contains(event.type())) {
                throw new AssertionError(label + ": expected no event (ignoring " + Arrays.toString(ignorable)
                        + ") for " + quiet + ", got " + event);
            }
        }
    }

    /** The events received so far and not yet taken, without waiting. */
    public List<Event> drain() {
        List<Event> all = new ArrayList<>();
        events.drainTo(all);
        return all;
    }

    public boolean isEnded() {
        return ended.isDone();
    }

    /** Waits for the stream to end and says how it ended; fails if it is still open after {@code timeout}. */
    public String awaitEnd(Duration timeout) {
        try {
            return ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the stream is still open after " + timeout, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private Event poll(Duration timeout) {
        try {
            return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private String endedNote() {
        String how = ended.getNow(null);
        return how == null ? "" : " (" + how + ")";
    }

    /** Stops reading and drops the connection (the request is cancelled); never throws. */
    @Override
    public void close() {
        if (stream == null || closing) {
            return;
        }
        closing = true;
        try {
            // cancels the body's subscription: the HTTP/1.1 connection is closed, not pooled
            stream.close();
        } catch (IOException | RuntimeException ignored) {
            // closed is closed
        }
        if (reader != null) {
            reader.interrupt();
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
