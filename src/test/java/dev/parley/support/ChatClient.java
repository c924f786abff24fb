package dev.parley.support;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A black-box WebSocket client for the chat endpoints, on {@link java.net.http.WebSocket}. It
 * only ever connects to 127.0.0.1. Every text frame is read as JSON into a queue that the test
 * takes from with bounded waits; the close code lands in a future. While the client keeps
 * requesting frames, the JDK answers the server's pings by itself; {@link #stopRequesting()}
 * makes it go silent, as a vanished client would.
 */
public final class ChatClient implements AutoCloseable {

    /** The default bound for one expected frame. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final SecureRandom RANDOM = new SecureRandom();
    // one provider for every frame: Json.createReader looks the provider up anew on each call,
    // which made fifty sockets' worth of frames arrive faster than this client could read them
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final JsonReaderFactory READERS = JSON.createReaderFactory(Map.of());

    private final String label;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closure> closure = new CompletableFuture<>();
    private final AtomicBoolean requesting = new AtomicBoolean(true);
    private final AtomicInteger pings = new AtomicInteger();
    private volatile WebSocket socket;

    private ChatClient(String label) {
        this.label = label;
    }

    /** How the connection ended: the close frame's code and reason, or 1006 when none came. */
    public record Closure(int code, String reason) {}

    /** Starts a connection to {@code pathAndQuery} (e.g. {@code /ws/chat/8?since=3}) below the deployment. */
    public static Dial to(Api api, String pathAndQuery) {
        return new Dial(api.wsBase(), pathAndQuery);
    }

    /** The handshake's options: a Bearer header, an Origin header and X-Forwarded-For, all optional. */
    public static final class Dial {
        private final URI uri;
        private final String path;
        private String bearer;
        private String origin;
        private String forwardedFor;

        private Dial(URI wsBase, String pathAndQuery) {
            this.uri = URI.create(wsBase + pathAndQuery);
            this.path = pathAndQuery.split("\\?")[0];
            if (!"127.0.0.1".equals(uri.getHost())) {
                throw new IllegalArgumentException("tests only connect to 127.0.0.1, not " + uri.getHost());
            }
        }

        public Dial bearer(String token) {
            this.bearer = token;
            return this;
        }

        public Dial origin(String origin) {
            this.origin = origin;
            return this;
        }

        /** The client address a proxy in front would name (only a trusted proxy's is believed). */
        public Dial forwardedFor(String address) {
            this.forwardedFor = address;
            return this;
        }

        /** Connects, and fails the test if the server refuses the upgrade. */
        public ChatClient open() {
            return attempt().connected();
        }

        /** Expects the server to refuse the upgrade, and returns the HTTP status it answered. */
        public int refusal() {
            return attempt().refused();
        }

        /**
         * One handshake, and a second one only when the first met the container's own fault
         * rather than Parley: Parley never answers a handshake with 5xx, nor leaves it unanswered.
         */
        public Handshake attempt() {
            Handshake first = once();
            if (first.status() != 0 && first.status() != 500 && first.status() != 503) {
                return first;
            }
            Api.containerFault("WebSocket handshake with " + path, first.body());
            return once();
        }

        private Handshake once() {
            ChatClient client = new ChatClient(username() + " on " + path);
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
            if (bearer != null) {
                builder.header("Authorization", "Bearer " + bearer);
            }
            if (origin != null) {
                builder.header("Origin", origin);
            }
            if (forwardedFor != null) {
                builder.header("X-Forwarded-For", forwardedFor);
            }
            CompletableFuture<WebSocket> socket = builder.buildAsync(uri, client.new Frames());
            try {
                client.socket = socket.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                return new Handshake(client, 101, "");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException refused) {
                    Object body = refused.getResponse().body();
                    return new Handshake(null, refused.getResponse().statusCode(), body == null ? "" : body.toString());
                }
                throw new AssertionError("handshake with " + path + " failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                socket.cancel(true);
                return new Handshake(null, 0, "no handshake answer from " + path + " within " + WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** For failure messages only: whose token this is, without printing the token. */
        private String username() {
            String token = bearer;
            String query = uri.getRawQuery();
            if (token == null && query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("token=") || pair.startsWith("access_token=")) {
                        token = pair.substring(pair.indexOf('=') + 1);
                    }
                }
            }
            try {
                return token == null
                        ? "anonymous"
                        : String.valueOf(TestKeys.claims(token).get("upn"));
            } catch (RuntimeException notAToken) {
                return "bad-token";
            }
        }
    }

    /** A handshake's outcome: a connected client, or the HTTP status of the refusal (0: no answer). */
    public record Handshake(ChatClient client, int status, String body) {

        public ChatClient connected() {
            if (client == null) {
                throw new AssertionError(
                        status == 0
                                ? body
                                : "the server refused the WebSocket upgrade with HTTP " + status + ": " + body);
            }
            return client;
        }

        public int refused() {
            if (client != null) {
                client.abort();
                throw new AssertionError("the server accepted a WebSocket upgrade it should have refused");
            }
            return status;
        }
    }

    // ---- building and sending frames

    /** A JSON object from name/value pairs: {@code frame("type", "ping", "ref", "p1")}. */
    public static JsonObject frame(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs: " + Arrays.toString(namesAndValues));
        }
        JsonObjectBuilder builder = JSON.createObjectBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            Object value = namesAndValues[i + 1];
            if (value instanceof String s) {
                builder.add(name, s);
            } else if (value instanceof Integer || value instanceof Long) {
                builder.add(name, ((Number) value).longValue());
            } else if (value instanceof Boolean b) {
                builder.add(name, b);
            } else if (value instanceof JsonValue v) {
                builder.add(name, v);
            } else {
                throw new IllegalArgumentException("unsupported value for " + name + ": " + value);
            }
        }
        return builder.build();
    }

    public void send(JsonObject frame) {
        send(frame.toString());
    }

    /** Sends one text frame and waits until it is written; any text, valid JSON or not. */
    public synchronized void send(String text) {
        await(socket.sendText(text, true), "sending " + abbreviated(text));
    }

    public boolean trySend(JsonObject frame) {
        return trySend(frame.toString());
    }

    /**
     * Sends one text frame and waits (bounded) until it is written, like {@link #send(String)},
     * but answers false instead of failing when the connection is closed or breaks meanwhile: for
     * bursts the server may cut short, and for keep-alive frames on a socket that may be gone.
     */
    public synchronized boolean trySend(String text) {
        if (closure.isDone()) {
            return false;
        }
        try {
            socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | RuntimeException failed) {
            return false;
        } catch (TimeoutException e) {
            throw new AssertionError(label + ": sending " + abbreviated(text) + " took longer than " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Sends a text message without expecting it to go through: for messages the server answers
     * by closing (over 64 KiB), where the write may fail halfway. The JDK splits a long message
     * into frames of 16 KiB; {@link #sendSingleFrame} sends one frame of any size.
     */
    public synchronized CompletableFuture<WebSocket> sendRaw(CharSequence text) {
        return socket.sendText(text, true).exceptionally(failed -> socket);
    }

    /** Sends one binary frame, which the protocol does not allow; the write may fail. */
    public synchronized CompletableFuture<WebSocket> sendBinary(byte[] data) {
        return socket.sendBinary(ByteBuffer.wrap(data), true).exceptionally(failed -> socket);
    }

    /**
     * Opens a connection by hand on a plain socket, sends {@code text} as ONE text frame however
     * long it is (the JDK client would split it), and returns the code of the server's close
     * frame (1006 when the server drops the connection without one). Text frames the server sends
     * before closing are skipped.
     */
    public static int sendSingleFrame(Api api, String pathAndQuery, String bearer, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return rawFrame(api, pathAndQuery, bearer, payload.length, payload, "a " + text.length() + "-char frame");
    }

    /**
     * Like {@link #sendSingleFrame}, but the frame's header announces {@code announced} bytes
     * (up to 2^63 - 1) while only {@code payload} follows: the server must not wait for the rest
     * before refusing a frame that size.
     */
    public static int sendAnnouncedFrame(Api api, String pathAndQuery, String bearer, long announced, byte[] payload) {
        return rawFrame(api, pathAndQuery, bearer, announced, payload, "a frame announcing " + announced + " bytes");
    }

    private static int rawFrame(
            Api api, String pathAndQuery, String bearer, long announced, byte[] payload, String what) {
        URI uri = URI.create(api.wsBase() + pathAndQuery);
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException("tests only connect to 127.0.0.1, not " + uri.getHost());
        }
        try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String request = "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = readLine(in);
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new AssertionError("the server refused the WebSocket upgrade: " + status);
            }
            while (!readLine(in).isEmpty()) {
                // the upgrade's headers
            }
            try {
                writeMaskedFrame(out, 0x1, announced, payload);
            } catch (IOException closedWhileWriting) {
                // the server may close before reading it all; its close frame can still be read
            }
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return 1006;
                }
                long length = in.readUnsignedByte() & 0x7f;
                length = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                byte[] frame = in.readNBytes((int) length);
                if ((first & 0x0f) == 0x8) {
                    return frame.length >= 2 ? ((frame[0] & 0xff) << 8) | (frame[1] & 0xff) : 1005;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no close from the server within " + WAIT + " after " + what, e);
        } catch (IOException e) {
            return 1006;
        }
    }

    private static void writeMaskedFrame(OutputStream out, int opcode, long announced, byte[] payload)
            throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (announced < 126) {
            frame.write(0x80 | (int) announced);
        } else if (announced <= 0xffff) {
            frame.write(0x80 | 126);
            frame.write((int) (announced >> 8));
            frame.write((int) (announced & 0xff));
        } else {
            frame.write(0x80 | 127);
            frame.write(ByteBuffer.allocate(8).putLong(announced).array());
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the server closed the connection during the handshake");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    // ---- receiving frames

    /** The next frame, whatever its type. */
    public JsonObject next(Duration timeout) {
        JsonObject frame = poll(timeout);
        if (frame == null) {
            throw new AssertionError(label + ": expected a frame within " + timeout + ", got none" + closedNote());
        }
        return frame;
    }

    /** The next frame, which must be of {@code type}. */
    public JsonObject next(String type) {
        return next(type, WAIT);
    }

    /**
     * The next frame of {@code type}. Frames of the types listed in {@code mayskip} are dropped on
     * the way; any other frame fails the test.
     */
    public JsonObject next(String type, Duration timeout, String... mayskip) {
        return nextOfEach(List.of(type), timeout, mayskip).get(type);
    }

    /**
     * One frame of each of {@code types}, in whatever order they come (an ack and the echo of the
     * same message, say), skipping only the types in {@code mayskip}.
     */
    public Map<String, JsonObject> nextOfEach(List<String> types, Duration timeout, String... mayskip) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonObject> found = new LinkedHashMap<>();
        List<JsonObject> skipped = new ArrayList<>();
        while (found.size() < types.size()) {
            JsonObject frame = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            String expected = "expected " + types + " (may skip " + Arrays.toString(mayskip) + ") within " + timeout;
            if (frame == null) {
                throw new AssertionError(label + ": " + expected + ", got only " + found.values() + " and skipped "
                        + skipped + closedNote());
            }
            String type = type(frame);
            if (types.contains(type) && !found.containsKey(type)) {
                found.put(type, frame);
            } else if (Arrays.asList(mayskip).contains(type)) {
                skipped.add(frame);
            } else {
                throw new AssertionError(
                        label + ": " + expected + ", got " + frame + " (after " + found.values() + ")");
            }
        }
        return found;
    }

    /**
     * A fence: sends a ping and returns every frame that arrived before its pong. The server
     * answers a connection's frames in order, so whatever it queued for this connection before
     * reading the ping is in the list.
     */
    public List<JsonObject> fence() {
        send(frame("type", "ping"));
        List<JsonObject> before = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonObject frame = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (frame == null) {
                throw new AssertionError(
                        label + ": expected a pong within " + WAIT + ", got only " + before + closedNote());
            }
            if ("pong".equals(type(frame))) {
                return before;
            }
            before.add(frame);
        }
    }

    /**
     * The next frame within {@code timeout}, or null when none came: for clients that decide for
     * themselves what silence means (resuming readers, senders waiting on a backoff).
     */
    public JsonObject tryNext(Duration timeout) {
        return poll(timeout);
    }

    /** Waits {@code quiet} and fails on any frame that is not of an {@code ignorable} type. */
    public void assertNothing(Duration quiet, String... ignorable) {
        long deadline = System.nanoTime() + quiet.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            JsonObject frame = poll(Duration.ofNanos(left));
            if (frame != null && !Arrays.asList(ignorable).contains(type(frame))) {
                throw new AssertionError(label + ": expected no frame (ignoring " + Arrays.toString(ignorable)
                        + ") for " + quiet + ", got " + frame);
            }
        }
    }

    /** The frames received so far and not yet taken, without waiting. */
    public List<JsonObject> drain() {
        List<JsonObject> all = new ArrayList<>();
        frames.drainTo(all);
        return all;
    }

    public static String type(JsonObject frame) {
        return frame.containsKey("type") && frame.get("type").getValueType() == JsonValue.ValueType.STRING
                ? frame.getString("type")
                : "(no type)";
    }

    private JsonObject poll(Duration timeout) {
        try {
            return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- liveness and closing

    /** Stops reading: from the next frame on, pings go unanswered, as from a vanished client. */
    public void stopRequesting() {
        requesting.set(false);
    }

    /** Reads again, so that a close frame sent meanwhile arrives. */
    public void resumeRequesting() {
        requesting.set(true);
        socket.request(1);
    }

    public int pingsReceived() {
        return pings.get();
    }

    public boolean isClosed() {
        return closure.isDone();
    }

    /** How the connection ended, if it has; never waits. */
    public Optional<Closure> closedWith() {
        return Optional.ofNullable(closure.getNow(null));
    }

    /** The close code, once the server has closed the connection (1006 when it just dropped it). */
    public int awaitClose(Duration timeout) {
        return awaitClosure(timeout).code();
    }

    public Closure awaitClosure(Duration timeout) {
        try {
            return closure.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    label + ": expected the connection to close within " + timeout + "; frames meanwhile: " + drain(),
                    e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Closes normally and waits (bounded) for the server's close frame; never throws. */
    @Override
    public void close() {
        if (socket == null || closure.isDone()) {
            return;
        }
        requesting.set(true);
        socket.request(1);
        try {
            synchronized (this) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            closure.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            abort();
        }
    }

    /** Drops the TCP connection without a close frame. */
    public void abort() {
        if (socket != null) {
            socket.abort();
        }
        closure.complete(new Closure(1006, "aborted by the test"));
    }

    @Override
    public String toString() {
        return label;
    }

    private void await(CompletableFuture<?> future, String what) {
        try {
            future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(label + ": " + what + " failed: " + e.getCause() + closedNote(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(label + ": " + what + " took longer than " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private String closedNote() {
        Closure closed = closure.getNow(null);
        return closed == null ? "" : " (the connection closed: " + closed.code() + " " + closed.reason() + ")";
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "… (" + text.length() + " chars)";
    }

    /** Collects the frames, and keeps requesting more unless told to stop. */
    private final class Frames implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            more(webSocket);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add(parse(text.toString()));
                text.setLength(0);
            }
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last) {
                frames.add(frame("type", "(binary frame)"));
            }
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // the JDK has already queued the automatic pong
            pings.incrementAndGet();
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            more(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closure.complete(new Closure(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closure.complete(new Closure(1006, "dropped without a close frame: " + error));
        }

        private void more(WebSocket webSocket) {
            if (requesting.get()) {
                webSocket.request(1);
            }
        }

        private JsonObject parse(String json) {
            try (var reader = READERS.createReader(new StringReader(json))) {
                return reader.readObject();
            } catch (RuntimeException notAnObject) {
                return frame("type", "(not a JSON object)", "text", json);
            }
        }
    }
}
