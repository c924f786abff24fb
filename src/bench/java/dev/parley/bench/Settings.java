package dev.parley.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every {@code bench.*} system property with its default, in one place: the pom passes each one
 * through, empty when the user gave none, and empty means the default here. The smoke mode
 * lowers the defaults (numbers given explicitly still win), so CI can run it in well under a
 * minute after boot.
 */
final class Settings {

    /** All scenarios, in the order a default run goes through them. */
    static final List<String> ALL = List.of("fanout", "handshakes", "idle", "rooms", "slow", "drop");

    private final Map<String, String> used = new LinkedHashMap<>();
    private final boolean smoke;

    final List<String> scenarios;
    final String db;
    final String url;
    final long pid;
    final int port;
    final String serverCpu;
    final int nodes;
    final String secondCpu;
    final String redis;
    final String serverXmx;
    final int nofile;
    final String jvm;
    final String jfr;
    final int users;
    final int threads;
    final int connectConcurrency;
    final Duration connectTimeout;
    /** Where sockets carry their token: the Authorization header, or the query as a browser must. */
    final boolean tokenInQuery;

    final Duration drain;
    final Duration bootTimeout;
    final String pgHost;
    final int pgPort;
    final String pgUser;
    final String pgDatabase;

    final int subscribers;
    final List<Double> rates;
    final Duration warmup;
    final Duration measure;
    final int contentBytes;

    final int handshakes;
    final int handshakeConcurrency;
    final int handshakeWarmup;

    final int idleSockets;
    final int idleConcurrency;
    final Duration idleHold;
    final int perAddress;

    final int rooms;
    final int roomSubscribers;
    final int roomMembers;
    final double roomRate;
    final double restShare;
    final int restConnections;
    final int restBacklog;
    final Duration roomsStall;

    final int slowSubscribers;
    final double slowRate;
    final Duration slowWarmup;
    final Duration slowBaseline;
    final Duration slowMaxWait;
    final int slowReceiveBuffer;

    final int dropSockets;
    final String dropMode;
    final Duration dropMaxWait;

    final Path basedir;
    final Path target;

    Settings() {
        String list = text("scenarios", String.join(",", ALL));
        smoke = list.strip().equals("smoke");
        scenarios = smoke ? List.of("fanout", "handshakes") : parseList(list);
        for (String s : scenarios) {
            if (!ALL.contains(s)) {
                throw new IllegalArgumentException(
                        "unknown scenario '" + s + "' in bench.scenarios; known: smoke, " + String.join(", ", ALL));
            }
        }
        db = text("db", "h2");
        if (!db.equals("h2") && !db.equals("postgres")) {
            throw new IllegalArgumentException("bench.db must be h2 or postgres, not " + db);
        }
        url = text("url", "");
        pid = integer("pid", 0);
        port = (int) integer("port", 0);
        serverCpu = text("server.cpu", "0");
        nodes = (int) integer("nodes", 1);
        // a second node shares the first one's core unless told otherwise: the generator has the other
        secondCpu = text("server2.cpu", serverCpu);
        redis = text("redis", "redis://127.0.0.1:6379");
        serverXmx = text("server.xmx", "1g");
        nofile = (int) integer("nofile", 200_000);
        jvm = text("jvm", "");
        jfr = text("jfr", "");
        users = (int) integer("users", smoke ? 2 : 20);
        threads = (int) integer("threads", 1);
        connectConcurrency = (int) integer("connect-concurrency", 100);
        connectTimeout = seconds("connect-timeout", 30);
        tokenInQuery = switch (text("token", "header")) {
            case "header" -> false;
            case "query" -> true;
            default -> throw new IllegalArgumentException("bench.token must be header or query");
        };
        drain = seconds("drain", 30);
        bootTimeout = seconds("boot-timeout", 240);
        pgHost = text("pg.host", "127.0.0.1");
        pgPort = (int) integer("pg.port", 5432);
        pgUser = text("pg.user", "postgres");
        pgDatabase = text("pg.database", "parley_bench");

        subscribers = (int) integer("subscribers", smoke ? 20 : 1000);
        rates = parseList(text("rates", "50")).stream().map(Double::parseDouble).toList();
        warmup = seconds("warmup", smoke ? 2 : 30);
        measure = seconds("measure", smoke ? 3 : 15);
        contentBytes = (int) integer("content-bytes", 64);

        handshakes = (int) integer("handshakes", smoke ? 20 : 1000);
        handshakeConcurrency = (int) integer("handshakes.concurrency", smoke ? 5 : 50);
        handshakeWarmup = (int) integer("handshakes.warmup", smoke ? 5 : 200);

        idleSockets = (int) integer("idle.sockets", 10_000);
        idleConcurrency = (int) integer("idle.concurrency", 100);
        idleHold = seconds("idle.hold", 15);
        perAddress = (int) integer("idle.per-address", 20_000);

        rooms = (int) integer("rooms", 1000);
        roomSubscribers = (int) integer("rooms.subscribers", 10);
        roomMembers = (int) integer("rooms.members", 2);
        roomRate = decimal("rooms.rate", 2000);
        restShare = decimal("rooms.rest-share", 0.5);
        restConnections = (int) integer("rooms.rest-connections", 32);
        restBacklog = (int) integer("rooms.rest-backlog", 20_000);
        roomsStall = seconds("rooms.stall", 0);

        slowSubscribers = (int) integer("slow.subscribers", 20);
        slowRate = decimal("slow.rate", 200);
        slowWarmup = seconds("slow.warmup", 10);
        slowBaseline = seconds("slow.baseline", 10);
        slowMaxWait = seconds("slow.max-wait", 120);
        // loopback receive buffers autotune up to tcp_rmem's max (32 MB here): a stuck client would
        // swallow minutes of messages before the server's outbox saw any of it
        slowReceiveBuffer = (int) integer("slow.rcvbuf", 16384);

        dropSockets = (int) integer("drop.sockets", 1000);
        dropMode = text("drop.mode", "rst");
        if (!dropMode.equals("rst") && !dropMode.equals("silent")) {
            throw new IllegalArgumentException("bench.drop.mode must be rst or silent, not " + dropMode);
        }
        dropMaxWait = seconds("drop.max-wait", 150);

        basedir = Path.of(text("basedir", ".")).toAbsolutePath().normalize();
        target = Path.of(text("target", basedir.resolve("target").toString()))
                .toAbsolutePath()
                .normalize();
        if (contentBytes < 40) {
            throw new IllegalArgumentException(
                    "bench.content-bytes must be at least 40 (the content carries the schedule)");
        }
        if (nodes != 1 && nodes != 2) {
            throw new IllegalArgumentException("bench.nodes must be 1 or 2, not " + nodes);
        }
        if (nodes == 2 && (!db.equals("postgres") || !url.isEmpty())) {
            throw new IllegalArgumentException(
                    "bench.nodes=2 runs a cluster the bench starts itself, on PostgreSQL: add -Dbench.db=postgres");
        }
        if (nodes == 2 && !redis.matches("redis://(127\\.0\\.0\\.1|localhost)(:\\d+)?(/\\d+)?")) {
            throw new IllegalArgumentException("bench.redis must be a Redis on this machine, not " + redis);
        }
        if (roomMembers < 1 || roomMembers > users) {
            throw new IllegalArgumentException("bench.rooms.members must be between 1 and bench.users (" + users + ")");
        }
    }

    boolean smoke() {
        return smoke;
    }

    boolean external() {
        return !url.isEmpty();
    }

    /** The JDBC URL of {@code database} on the bench's PostgreSQL. */
    String pgUrl(String database) {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database + "?connectTimeout=5";
    }

    /** The most sockets any chosen scenario holds at once, for the file limit checks. */
    int peakSockets() {
        int peak = 0;
        for (String s : scenarios) {
            peak = Math.max(
                    peak,
                    switch (s) {
                        case "fanout" -> subscribers + 1;
                        case "handshakes" -> handshakeConcurrency;
                        case "idle" -> idleSockets;
                        case "rooms" -> rooms * roomSubscribers + restConnections;
                        case "slow" -> slowSubscribers + 1;
                        case "drop" -> dropSockets;
                        default -> 0;
                    });
        }
        return peak;
    }

    /** The settings in force, one per line, marking those left at their default. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        if (smoke) {
            lines.add("mode: smoke (small defaults: fanout and handshakes only)");
        }
        used.forEach((name, value) -> lines.add("bench." + name + " = " + value));
        return lines;
    }

    private String text(String name, String fallback) {
        String given = System.getProperty("bench." + name, "").strip();
        String value = given.isEmpty() ? fallback : given;
        if (!name.equals("basedir") && !name.equals("target")) {
            used.put(name, (value.isEmpty() ? "(none)" : value) + (given.isEmpty() ? "  (default)" : ""));
        }
        return value;
    }

    private long integer(String name, long fallback) {
        String value = text(name, String.valueOf(fallback)).replace("_", "").replace(",", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + name + " must be a whole number, not " + value);
        }
    }

    private double decimal(String name, double fallback) {
        String value = text(
                name, fallback == Math.rint(fallback) ? String.valueOf((long) fallback) : String.valueOf(fallback));
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + name + " must be a number, not " + value);
        }
    }

    /** Seconds, fractions allowed: {@code 2.5}. */
    private Duration seconds(String name, double fallback) {
        String value = text(
                name, fallback == Math.rint(fallback) ? String.valueOf((long) fallback) : String.valueOf(fallback));
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench." + name + " is in seconds, not " + value);
        }
    }

    private static List<String> parseList(String text) {
        return Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
