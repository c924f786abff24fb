package dev.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Users, tokens and rooms over REST, before any load. Registering and logging in cost about half
 * a second of server CPU each (PBKDF2), so a run makes few users, logs each in once and shares
 * their tokens across many sockets (the per-user socket cap is raised on the bench server).
 */
final class Setup implements AutoCloseable {

    record User(String name, String token) {}

    private static final Pattern ROOM = Pattern.compile("\\{[^{}]*\\}");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "setup");
        t.setDaemon(true);
        return t;
    });
    private final URI base;
    private final String prefix;
    private final List<User> users = new ArrayList<>();

    Setup(URI base) {
        this.base = base;
        // unique per run, so that a server that already has users (bench.url) takes a second run
        this.prefix = "b" + Long.toString(System.currentTimeMillis() / 1000 % 10_000_000, 36);
    }

    /** The run's users, registering and logging in those not made yet. */
    synchronized List<User> users(int count) throws Exception {
        int first = users.size();
        List<Callable<User>> work = new ArrayList<>();
        for (int i = first; i < count; i++) {
            String name = prefix + "_" + i;
            work.add(() -> {
                String password = "bench-password-" + name;
                String body = "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}";
                expect(post("/api/auth/register", null, body), 201, "register " + name);
                HttpResponse<String> login = expect(post("/api/auth/login", null, body), 200, "login " + name);
                return new User(name, field(login.body(), "token"));
            });
        }
        // the server hashes on one core: a few at a time only overlap the round trips
        users.addAll(all(work, 4));
        return List.copyOf(users.subList(0, count));
    }

    /** A public room owned by {@code owner}; answers its id. */
    long createRoom(User owner, String name) throws Exception {
        HttpResponse<String> reply = expect(
                post("/api/rooms", owner, "{\"name\":\"" + name + "\",\"visibility\":\"public\"}"),
                201,
                "create room " + name);
        return Long.parseLong(field(reply.body(), "id"));
    }

    void join(User user, long room) throws Exception {
        expect(
                send(HttpRequest.newBuilder(base.resolve("/api/rooms/" + room + "/members/me"))
                        .header("Authorization", "Bearer " + user.token())
                        .PUT(HttpRequest.BodyPublishers.noBody())),
                204,
                "join room " + room);
    }

    /** Every room's {@code last_seq}, as the given user sees the room list (all public rooms). */
    Map<Long, Long> lastSeqs(User user) throws Exception {
        HttpResponse<String> reply = expect(
                send(HttpRequest.newBuilder(base.resolve("/api/rooms"))
                        .header("Authorization", "Bearer " + user.token())
                        .GET()),
                200,
                "list rooms");
        Map<Long, Long> seqs = new HashMap<>();
        Matcher room = ROOM.matcher(reply.body());
        while (room.find()) {
            String json = room.group();
            String id = field(json, "id");
            String last = field(json, "last_seq");
            if (id != null && last != null) {
                seqs.put(Long.parseLong(id), Long.parseLong(last));
            }
        }
        return seqs;
    }

    long lastSeq(User user, long room) throws Exception {
        HttpResponse<String> reply = expect(
                send(HttpRequest.newBuilder(base.resolve("/api/rooms/" + room))
                        .header("Authorization", "Bearer " + user.token())
                        .GET()),
                200,
                "get room " + room);
        return Long.parseLong(field(reply.body(), "last_seq"));
    }

    /** Runs the tasks {@code concurrency} at a time and answers their results in order. */
    <T> List<T> all(List<Callable<T>> work, int concurrency) throws Exception {
        List<T> results = new ArrayList<>();
        for (int i = 0; i < work.size(); i += concurrency) {
            List<Future<T>> batch = pool.invokeAll(work.subList(i, Math.min(work.size(), i + concurrency)));
            for (Future<T> f : batch) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        return results;
    }

    private HttpResponse<String> post(String path, User user, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (user != null) {
            request.header("Authorization", "Bearer " + user.token());
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> expect(HttpResponse<String> reply, int status, String what) {
        if (reply.statusCode() != status) {
            String body = reply.body() == null ? "" : reply.body();
            throw new IllegalStateException(what + ": expected HTTP " + status + ", got " + reply.statusCode() + " "
                    + body.substring(0, Math.min(300, body.length())));
        }
        return reply;
    }

    /** The raw value of a top-level-looking field: a string's text or a number's digits; null when absent. */
    static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        while (from < json.length() && json.charAt(from) == ' ') {
            from++;
        }
        if (json.charAt(from) == '"') {
            return json.substring(from + 1, json.indexOf('"', from + 1));
        }
        int to = from;
        while (to < json.length() && ",}] ".indexOf(json.charAt(to)) < 0) {
            to++;
        }
        return json.substring(from, to);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
