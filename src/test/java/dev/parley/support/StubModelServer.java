package dev.parley.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for an OpenAI-compatible model server on 127.0.0.1, speaking its wire format:
 * {@code POST /v1/chat/completions} answered with {@code data: {chunk}} lines and
 * {@code data: [DONE]}. Each request takes the next script a test queued (a plain reply
 * when none is), and is recorded with its Authorization header for the test to check.
 */
public final class StubModelServer implements AutoCloseable {

    /** What one request received: its JSON body and its Authorization header. */
    public record Request(JsonObject body, String authorization) {}

    /** How the stub answers one request. */
    @FunctionalInterface
    public interface Script {
        void answer(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    // hanging answers wait on this, so that closing the stub ends them
    private final CountDownLatch closing = new CountDownLatch(1);

    private StubModelServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** On the port the pom gives the server's {@code parley.ai.base-url} ({@code parley.test.ai.port}). */
    public static StubModelServer start() throws IOException {
        return new StubModelServer(Integer.getInteger("parley.test.ai.port", 18434));
    }

    public void next(Script script) {
        scripts.add(script);
    }

    /** The next request received, within the wait. */
    public Request request(Duration wait) throws InterruptedException {
        Request request = requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("the model server got no request within " + wait);
        }
        return request;
    }

    public List<Request> drainRequests() {
        List<Request> all = new java.util.ArrayList<>();
        requests.drainTo(all);
        return all;
    }

    public void reset() {
        scripts.clear();
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try (var reader = Json.createReader(new StringReader(body))) {
                requests.add(new Request(
                        reader.readObject(), exchange.getRequestHeaders().getFirst("Authorization")));
            }
            Script script = scripts.poll();
            (script == null ? reply("Hello ", "from ", "the stub.") : script).answer(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- scripts

    /** A reply in these chunks, then [DONE]. */
    public static Script reply(String... chunks) {
        return exchange -> {
            OutputStream out = streaming(exchange);
            for (String chunk : chunks) {
                chunk(out, chunk);
            }
            done(out);
        };
    }

    /** The first chunk at once, the rest (and [DONE]) only when {@code release} opens: the reply is in flight meanwhile. */
    public static Script held(CountDownLatch release, String first, String... rest) {
        return exchange -> {
            OutputStream out = streaming(exchange);
            chunk(out, first);
            if (!release.await(60, TimeUnit.SECONDS)) {
                return;
            }
            for (String chunk : rest) {
                chunk(out, chunk);
            }
            done(out);
        };
    }

    /** Each chunk after a pause shorter than the server's timeout. */
    public static Script slow(Duration pause, String... chunks) {
        return exchange -> {
            OutputStream out = streaming(exchange);
            CountDownLatch never = new CountDownLatch(1);
            for (String chunk : chunks) {
                never.await(pause.toMillis(), TimeUnit.MILLISECONDS);
                chunk(out, chunk);
            }
            done(out);
        };
    }

    /** These chunks, then the stream ends without [DONE]. */
    public static Script dropped(String... chunks) {
        return exchange -> {
            OutputStream out = streaming(exchange);
            for (String chunk : chunks) {
                chunk(out, chunk);
            }
        };
    }

    /** A chunk that is not JSON after these. */
    public static Script malformed(String... chunks) {
        return exchange -> {
            OutputStream out = streaming(exchange);
            for (String chunk : chunks) {
                chunk(out, chunk);
            }
            line(out, "data: {\"choices\":[{\"delta\":{\"content\":");
        };
    }

    /** 429 Too Many Requests with Retry-After. */
    public static Script rateLimited(int retryAfterSeconds) {
        return exchange -> {
            exchange.getResponseHeaders().add("Retry-After", String.valueOf(retryAfterSeconds));
            byte[] body = "{\"error\":{\"message\":\"slow down\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(429, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    /** Headers and one chunk, then nothing until the stub closes: the server's timeout must end it. */
    public Script hanging(String first) {
        return exchange -> {
            OutputStream out = streaming(exchange);
            chunk(out, first);
            closing.await(60, TimeUnit.SECONDS);
        };
    }

    private static OutputStream streaming(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        JsonObject chunk = Json.createObjectBuilder()
                .add("id", "chatcmpl-stub")
                .add("object", "chat.completion.chunk")
                .add(
                        "choices",
                        Json.createArrayBuilder()
                                .add(Json.createObjectBuilder()
                                        .add("index", 0)
                                        .add("delta", Json.createObjectBuilder().add("content", text))))
                .build();
        line(out, "data: " + chunk);
    }

    private static void done(OutputStream out) throws IOException {
        line(out, "data: [DONE]");
    }

    private static void line(OutputStream out, String line) throws IOException {
        out.write((line + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
