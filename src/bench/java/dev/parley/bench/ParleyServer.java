package dev.parley.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The server under test: a Payara Micro this bench starts from target/ (pinned to its own core,
 * with a fresh data folder and the load-test limits raised) and always stops, or one already
 * running that it only talks to. Either way only ever on 127.0.0.1. CPU and memory come from
 * /proc of its pid, the connection gauge from its metrics.
 */
final class ParleyServer implements AutoCloseable {

    /** Limits that would otherwise throttle a load test rather than measure the server. */
    static final List<String> LOAD_TEST_OPTIONS = List.of(
            "-Dparley.ratelimit.messages.capacity=1000000",
            "-Dparley.ratelimit.messages.per-second=1000000",
            "-Dparley.ws.max-connections-per-user=1000000",
            // every generator socket and sign-up comes from 127.0.0.1
            // every generated socket comes from 127.0.0.1
            "-Dparley.ws.max-connections-per-address=1000000",
            "-Dparley.ratelimit.auth.per-address.capacity=1000000",
            "-Dparley.ratelimit.auth.per-address.per-second=1000000",
            // many rooms: a few users make and join a thousand rooms
            "-Dparley.ratelimit.rooms.capacity=1000000",
            "-Dparley.ratelimit.rooms.per-second=1000000",
            "-Dparley.ratelimit.subscriptions.capacity=1000000",
            "-Dparley.ratelimit.subscriptions.per-second=1000000",
            // and each of those few users arrives in all of their rooms: every arrival is announced, as before
            "-Dparley.ratelimit.presence.capacity=1000000",
            "-Dparley.ratelimit.presence.per-second=1000000",
            // one publisher socket may send faster than a person's socket is allowed to
            "-Dparley.ratelimit.frames.capacity=1000000",
            "-Dparley.ratelimit.frames.per-second=1000000",
            // and a few users send the REST half of the many-rooms load
            "-Dparley.ratelimit.requests.capacity=1000000",
            "-Dparley.ratelimit.requests.per-second=1000000",
            // tokens are fetched once per run; a long run must not outlive them
            "-Dparley.jwt.lifetime=PT12H",
            // as the run command (pom.xml): no class-path search for a JSON-P provider per token
            "-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final Process process;
    private final long pid;
    private final URI base;
    private final Path log;
    private final Path jfr;
    private final List<String> notes;
    private boolean stopped;
    /** Node B of a two-node run (bench.nodes=2): its CPU, memory and connections count with this one's. */
    private ParleyServer peer;

    private ParleyServer(Process process, long pid, URI base, Path log, Path jfr, List<String> notes) {
        this.process = process;
        this.pid = pid;
        this.base = base;
        this.log = log;
        this.jfr = jfr;
        this.notes = notes;
    }

    /** A server already running at {@code bench.url}; its pid (optional) gives CPU and RSS. */
    static ParleyServer attach(Settings settings) {
        URI base = URI.create(settings.url.replaceAll("/+$", ""));
        if (!"127.0.0.1".equals(base.getHost()) && !"localhost".equals(base.getHost())) {
            throw new IllegalArgumentException(
                    "bench.url must be on this machine (127.0.0.1 or localhost), not " + base.getHost());
        }
        base = URI.create("http://127.0.0.1:" + base.getPort());
        List<String> notes = new ArrayList<>();
        notes.add("server: already running at " + base
                + (settings.pid > 0 ? ", pid " + settings.pid : ", no pid given: server CPU and RSS unknown"));
        if (!settings.jfr.isEmpty()) {
            notes.add("bench.jfr ignored: the bench did not start this server");
        }
        ParleyServer server = new ParleyServer(null, settings.pid, base, null, null, notes);
        if (!server.ready()) {
            throw new IllegalStateException("no Parley at " + base + " (GET /api/me did not answer 401)");
        }
        return server;
    }

    /** One node, or with {@code bench.nodes=2} a cluster of two on Redis and one PostgreSQL database. */
    static ParleyServer start(Settings settings) throws IOException, InterruptedException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        ParleyServer first = start(settings, 0, stamp);
        if (settings.nodes == 2) {
            try {
                first.peer = start(settings, 1, stamp);
            } catch (IOException | RuntimeException e) {
                first.close();
                throw e;
            }
            first.peer.notes.forEach(line -> first.notes.add("node B: " + line));
        }
        return first;
    }

    private static ParleyServer start(Settings settings, int node, String stamp)
            throws IOException, InterruptedException {
        Path war = settings.target.resolve("parley.war");
        Path micro = settings.target.resolve("lib/payara-micro.jar");
        Path driver = settings.target.resolve("lib/postgresql.jar");
        for (Path needed : settings.db.equals("postgres") ? List.of(war, micro, driver) : List.of(war, micro)) {
            if (!Files.isRegularFile(needed)) {
                throw new IllegalStateException(needed + " is missing: build first (mvn -Pbench package does)");
            }
        }
        Path benchDir = Files.createDirectories(settings.target.resolve("bench"));
        String suffix = node == 0 ? "" : "-b";
        if (node == 0) {
            removeOldDataFolders(settings.target);
        }
        Path data =
                Files.createDirectories(settings.target.resolve("bench-data-" + settings.db + "-" + stamp + suffix));
        Path log = benchDir.resolve("server-" + stamp + suffix + ".log");
        Path jfr = settings.jfr.isEmpty() || node > 0
                ? null
                : Path.of(settings.jfr).toAbsolutePath();
        int port = settings.port > 0 && node == 0 ? settings.port : freePort();
        String cpu = node == 0 ? settings.serverCpu : settings.secondCpu;
        List<String> notes = new ArrayList<>();

        List<String> command = new ArrayList<>();
        if (Proc.has("prlimit")
                && Proc.run(List.of("prlimit", "--nofile=" + settings.nofile + ":" + settings.nofile, "true"))) {
            command.addAll(List.of("prlimit", "--nofile=" + settings.nofile + ":" + settings.nofile));
        } else {
            notes.add("server file limit not raised to " + settings.nofile + " ("
                    + (Proc.has("prlimit") ? "prlimit not permitted here" : "no prlimit") + "): it inherits "
                    + Proc.hardFileLimit(Proc.SELF));
        }
        if (!cpu.isEmpty()) {
            if (Proc.has("taskset")) {
                command.addAll(List.of("taskset", "-c", cpu));
            } else {
                notes.add("taskset not found: the server runs unpinned");
            }
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + settings.serverXmx);
        command.add("-Dparley.data.dir=" + data);
        command.addAll(LOAD_TEST_OPTIONS);
        if (settings.nodes == 2) {
            command.add("-Dparley.redis.uri=" + settings.redis);
            if (node > 0) {
                // one signing key for the cluster: node A's, made at its boot, so its tokens work here too
                Path first = settings.target.resolve(
                        "bench-data-" + settings.db + "-" + stamp + "/keys/jwt-signing-key.pem");
                command.add("-Dparley.jwt.signing-key.location=" + first);
            }
        }
        if (!settings.jvm.isEmpty()) {
            // after ours, so that a bench.jvm option of the same name wins
            command.addAll(Arrays.asList(settings.jvm.strip().split("\\s+")));
        }
        if (jfr != null) {
            Files.deleteIfExists(jfr);
            Files.createDirectories(jfr.getParent());
            // the whole run is recorded; the summary keeps only the samples of the measured windows
            // deep container stacks: the default depth (64) would cut off the callers the inclusive counts need
            command.add("-XX:FlightRecorderOptions=stackdepth=256");
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfr);
        }
        // the request threads as the run command sets them (pom.xml)
        command.addAll(List.of(
                "-jar",
                micro.toString(),
                "--port",
                String.valueOf(port),
                "--nohazelcast",
                "--minhttpthreads",
                "16",
                "--maxhttpthreads",
                "64",
                "--contextroot",
                "/",
                "--deploy",
                war.toString(),
                "--rootdir",
                data.resolve("micro").toString(),
                "--prebootcommandfile",
                settings.basedir
                        .resolve("server-config/payara-micro/preboot.asadmin")
                        .toString(),
                "--postbootcommandfile",
                settings.basedir
                        .resolve("server-config/payara-micro/" + settings.db + ".asadmin")
                        .toString(),
                "--logproperties",
                settings.basedir
                        .resolve("server-config/payara-micro/logging.properties")
                        .toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (settings.db.equals("postgres")) {
            command.addAll(List.of("--addlibs", driver.toString()));
            builder.command(command);
            if (node == 0) {
                freshDatabase(settings);
            }
            builder.environment().put("PARLEY_DB_HOST", settings.pgHost);
            builder.environment().put("PARLEY_DB_PORT", String.valueOf(settings.pgPort));
            builder.environment().put("PARLEY_DB_NAME", settings.pgDatabase);
            builder.environment().put("PARLEY_DB_USER", settings.pgUser);
            // trust auth ignores it; Payara refuses a pool whose password is empty
            builder.environment().put("PARLEY_DB_PASSWORD", "unused");
            notes.add("database: PostgreSQL " + settings.pgHost + ":" + settings.pgPort + "/" + settings.pgDatabase
                    + " (created fresh), user " + settings.pgUser);
        } else {
            notes.add("database: H2 in " + data);
        }
        notes.add(0, "server command: " + String.join(" ", command));
        notes.add("server log: " + log);
        long started = System.nanoTime();
        Process process = builder.start();
        ParleyServer server =
                new ParleyServer(process, process.pid(), URI.create("http://127.0.0.1:" + port), log, jfr, notes);
        // Ctrl-C or a kill of the bench: the server must not outlive it
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (server.process.isAlive() && !server.stopped) {
                                System.out.println("bench interrupted: stopping the server (pid " + server.pid + ")");
                                System.out.flush();
                            }
                            server.close();
                        },
                        "stop-parley"));
        long deadline = started + settings.bootTimeout.toNanos();
        while (!server.ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Payara Micro exited with " + process.exitValue() + " during boot:\n" + server.logTail(40));
            }
            if (System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("Payara Micro did not answer within " + settings.bootTimeout.toSeconds()
                        + " s:\n" + server.logTail(40));
            }
            Thread.sleep(250);
        }
        notes.add(String.format(
                "server up in %.1f s: pid %d, port %d, CPUs %s, file limit %d",
                (System.nanoTime() - started) / 1e9,
                server.pid,
                port,
                Proc.cpusAllowed(server.pid),
                Proc.fileLimit(server.pid)));
        return server;
    }

    List<String> notes() {
        return notes;
    }

    URI base() {
        return base;
    }

    int port() {
        return base.getPort();
    }

    long pid() {
        return pid;
    }

    Path jfr() {
        return jfr;
    }

    boolean ownProcess() {
        return process != null;
    }

    /** CPU ticks used so far, or -1 when the pid is unknown. */
    long cpuTicks() {
        long own = pid > 0 ? Proc.cpuTicks(pid) : -1;
        return peer == null || own < 0 ? own : own + peer.cpuTicks();
    }

    long rssKb() {
        long own = pid > 0 ? Proc.rssKb(pid) : -1;
        return peer == null || own < 0 ? own : own + peer.rssKb();
    }

    /** The port of node {@code node} (0, or 1 in a two-node run). */
    int port(int node) {
        return node == 0 || peer == null ? port() : peer.port();
    }

    int nodes() {
        return peer == null ? 1 : 2;
    }

    long fileLimit() {
        return pid > 0 ? Proc.fileLimit(pid) : -1;
    }

    boolean alive() {
        boolean own = process == null ? ready() : process.isAlive();
        return own && (peer == null || peer.alive());
    }

    private Boolean gauges;

    /**
     * Whether the server publishes Parley's gauges at {@code /metrics} on its HTTP port. WildFly
     * serves them on its management port instead: there only the figures from /proc and the
     * clients are measured, and scenarios that judge by a gauge fail rather than pass on zeros.
     */
    boolean hasGauges() {
        if (gauges == null) {
            try {
                metric("application", name -> true);
                gauges = true;
            } catch (NoSuchMetric empty) {
                gauges = true;
            } catch (NoMetricsEndpoint elsewhere) {
                gauges = false;
            }
        }
        return gauges;
    }

    /** The gauge {@code parley_connections}: open sockets and streams (not {@code parley_connections_open}, by transport). */
    long connections() {
        return (long) metricOrZero(name -> name.equals("parley_connections")) + (peer == null ? 0 : peer.connections());
    }

    /** {@code parley_slow_closes_total}: sockets closed as too slow. */
    long slowCloses() {
        return (long) metricOrZero(name -> name.startsWith("parley_slow_closes"))
                + (peer == null ? 0 : peer.slowCloses());
    }

    private double metricOrZero(Predicate<String> name) {
        try {
            return metric("application", name);
        } catch (NoSuchMetric missing) {
            return 0;
        }
    }

    private static final class NoSuchMetric extends IllegalStateException {
        NoSuchMetric(String message) {
            super(message);
        }
    }

    private static final class NoMetricsEndpoint extends IllegalStateException {
        NoMetricsEndpoint(String message) {
            super(message);
        }
    }

    /** Used heap in bytes, or -1 when the metric is missing. */
    long heapUsed() {
        if (!hasGauges()) {
            return -1;
        }
        try {
            return (long) metric(
                    "base", name -> name.equals("memory_usedHeap_bytes") || name.equals("base_memory_usedHeap_bytes"));
        } catch (NoSuchMetric missing) {
            return -1;
        }
    }

    /**
     * Asks the server JVM for a full GC (jcmd), so that heap readings show live data rather than
     * garbage; answers false when that is not possible (no pid, no jcmd, attach refused).
     */
    boolean gc() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return pid > 0 && Files.isExecutable(jcmd) && Proc.run(List.of(jcmd.toString(), String.valueOf(pid), "GC.run"));
    }

    /** Waits (bounded) for the connection gauge to stop moving and returns its value. */
    long settledConnections(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        long last = connections();
        int same = 0;
        while (same < 4 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            long now = connections();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    private boolean ready() {
        try {
            HttpResponse<Void> reply = HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/api/me"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return reply.statusCode() == 401;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private double metric(String scope, Predicate<String> name) {
        String body;
        try {
            HttpResponse<String> reply = HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/metrics?scope=" + scope))
                            .header("Accept", "text/plain")
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() == 404) {
                throw new NoMetricsEndpoint("GET /metrics?scope=" + scope + " answered 404");
            }
            if (reply.statusCode() != 200) {
                throw new IllegalStateException("GET /metrics?scope=" + scope + " answered " + reply.statusCode());
            }
            body = reply.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET /metrics?scope=" + scope + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        for (String line : body.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int labels = line.indexOf('{');
            int space = line.indexOf(' ');
            int nameEnd = labels >= 0 && (space < 0 || labels < space) ? labels : space;
            if (nameEnd <= 0 || !name.test(line.substring(0, nameEnd))) {
                continue;
            }
            String rest = labels == nameEnd ? line.substring(line.lastIndexOf('}') + 1) : line.substring(nameEnd);
            return Double.parseDouble(rest.strip().split("\\s+")[0]);
        }
        throw new NoSuchMetric("no such metric in /metrics?scope=" + scope);
    }

    /** Stops the server this bench started (SIGTERM, then SIGKILL after 60 s); idempotent. */
    @Override
    public synchronized void close() {
        if (peer != null) {
            peer.close();
        }
        if (process == null || stopped) {
            return;
        }
        stopped = true;
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                System.out.println("server did not stop within 60 s of SIGTERM: killing it");
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    String logTail(int lines) {
        if (log == null) {
            return "";
        }
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void freshDatabase(Settings settings) {
        if (!settings.pgDatabase.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("bench.pg.database must be a plain identifier: " + settings.pgDatabase);
        }
        if (!settings.pgHost.equals("127.0.0.1") && !settings.pgHost.equals("localhost")) {
            throw new IllegalArgumentException("bench.pg.host must be on this machine, not " + settings.pgHost);
        }
        try (Connection admin = DriverManager.getConnection(settings.pgUrl("postgres"), settings.pgUser, "")) {
            admin.createStatement().execute("drop database if exists " + settings.pgDatabase + " with (force)");
            admin.createStatement().execute("create database " + settings.pgDatabase);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create the database " + settings.pgDatabase + " on PostgreSQL at " + settings.pgHost + ":"
                            + settings.pgPort + " as " + settings.pgUser + ": " + e.getMessage(),
                    e);
        }
    }

    /** Each run gets a fresh folder; earlier ones would only fill the disk. */
    private static void removeOldDataFolders(Path target) throws IOException {
        try (Stream<Path> old = Files.list(target)) {
            for (Path dir : old.filter(p -> p.getFileName().toString().startsWith("bench-data-"))
                    .toList()) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
