package dev.parley.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the server does when clients misbehave: one subscriber that stops reading under fanout
 * load (slow), and many sockets that vanish at once (drop).
 */
final class FaultScenarios {

    private final Rig rig;
    private final Settings s;

    FaultScenarios(Rig rig) {
        this.rig = rig;
        this.s = rig.settings;
    }

    /**
     * Fanout load; after a warm-up and a baseline window, subscriber 0 stops reading. Reports when
     * the server let it go (its slow-close counter or the connection gauge moved), how it ended
     * for the client (4008 behind the queued data, or a dropped connection), and the others'
     * latency before and while it was stuck.
     */
    Result slow() throws Exception {
        Window window = new Window();
        Deliveries others = new Deliveries(window);
        Deliveries victimSink = new Deliveries(new Window());
        Sends sends = new Sends(window, 1);
        Rig.log("slow: opening " + s.slowSubscribers + " subscribers in one room");
        FanoutRoom room = FanoutRoom.open(
                rig,
                "slow-" + System.currentTimeMillis(),
                s.slowSubscribers,
                i -> i == 0 ? victimSink : others,
                sends,
                s.slowReceiveBuffer);
        WsSocket victim = room.sockets.get(0);
        List<Subscriber> rest = room.subscribers.subList(1, room.subscribers.size());
        try {
            long start = BenchClock.now() + 200_000_000L;
            long warm = s.slowWarmup.toNanos();
            long total = warm + s.slowBaseline.toNanos() + s.slowMaxWait.toNanos();
            window.set(start + warm, Long.MAX_VALUE);
            Rig.log(String.format(
                    "slow: %s msg/s to %d subscribers; %d s warm-up, %d s baseline, then subscriber 0 stops reading"
                            + " (its receive buffer: %s)",
                    FanoutScenario.fmt(s.slowRate),
                    s.slowSubscribers,
                    s.slowWarmup.toSeconds(),
                    s.slowBaseline.toSeconds(),
                    s.slowReceiveBuffer > 0 ? s.slowReceiveBuffer + " bytes" : "kernel default"));
            Publisher publisher = new Publisher(
                            "slow-publisher",
                            start,
                            s.slowRate,
                            Math.round(s.slowRate * total / 1e9),
                            (i, due) -> room.publish(i, due, s.contentBytes, sends))
                    .begin();

            BenchClock.sleepUntil(start + warm);
            others.latencies(); // forget the warm-up
            BenchClock.sleepUntil(start + warm + s.slowBaseline.toNanos());
            LatencyStats baseline = LatencyStats.of(others.latencies());
            long slowClosesBefore = rig.server.slowCloses();
            long gaugeBefore = rig.server.connections();
            Instant from = Instant.now();
            Usage usage = Usage.begin(rig.server);
            long stoppedAt = BenchClock.now();
            victim.pause();
            Rig.log("slow: subscriber 0 stopped reading; waiting up to " + s.slowMaxWait.toSeconds()
                    + " s for the server to let it go");

            long letGoAt = -1;
            String how = "";
            long deadline = stoppedAt + s.slowMaxWait.toNanos();
            while (BenchClock.now() < deadline) {
                Thread.sleep(250);
                if (rig.server.slowCloses() > slowClosesBefore) {
                    letGoAt = BenchClock.now();
                    how = "parley_slow_closes +1";
                    break;
                }
                if (rig.server.connections() < gaugeBefore) {
                    letGoAt = BenchClock.now();
                    // the counter may lag the gauge by a moment
                    Thread.sleep(500);
                    how = rig.server.slowCloses() > slowClosesBefore
                            ? "parley_slow_closes +1"
                            : "parley_connections −1 but not parley_slow_closes: the idle timeout, not the outbox, let it go";
                    break;
                }
            }
            usage.end();
            rig.profiled("slow", from, Instant.now());
            LatencyStats during = LatencyStats.of(others.latencies());
            publisher.stop();
            publisher.join(1_000_000_000L);

            // read what the kernel and the server still hold for it, to see how it ended
            victim.resume();
            int code;
            try {
                code = victim.closed.get(letGoAt > 0 ? 30 : 5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stillOpen) {
                code = 0;
            }
            long drainDeadline = System.nanoTime() + s.drain.toNanos();
            while (!sends.settled() && System.nanoTime() < drainDeadline) {
                Thread.sleep(50);
            }
            long last = rig.setup.lastSeq(rig.user(0), room.room);
            Integrity integrity = Integrity.await(rig.client, rest, r -> last, s.drain);
            rig.client.fence();
            long victimGot = victim.listener() instanceof Subscriber v ? v.seqs.max() : -1;

            List<String> details = new ArrayList<>();
            String closedAfter = letGoAt < 0
                    ? "not let go within " + s.slowMaxWait.toSeconds() + " s"
                    : String.format(
                            "let go %.1f s after it stopped reading (%s)",
                            BenchClock.seconds(letGoAt - stoppedAt), how);
            String ending = code == 0
                    ? "still open"
                    : code == 4008
                            ? "4008 close frame"
                            : code == 1006 ? "dropped (1006, no close frame)" : "close " + code;
            details.add("stuck subscriber: " + closedAfter + "; the client saw: " + ending
                    + ", after reading up to seq " + victimGot + " of " + last);
            details.add(bufferNote(rest.get(0).messageBytes()));
            details.add("parley_slow_closes " + slowClosesBefore + " before, " + rig.server.slowCloses()
                    + " after; parley_connections " + gaugeBefore + " when it stopped reading");
            details.add("others before: " + baseline);
            details.add("others while it was stuck: " + during);
            if (baseline.count() == 0 || during.count() == 0) {
                details.add(
                        "(no samples: no message due after the warm-up arrived in that interval, the server is further behind than that)");
            }
            details.add(String.format(
                    "integrity of the others: %d lost, %d duplicated, %d reordered",
                    integrity.missing(), integrity.duplicates(), integrity.reordered()));
            details.add(usage.describe());
            FanoutScenario.problems(others, sends, details);
            integrity.report("slow");
            if (letGoAt < 0) {
                Rig.loud("slow: the server did NOT let the stuck subscriber go within " + s.slowMaxWait.toSeconds()
                        + " s");
            }
            String notes = closedAfter + ", client saw " + ending + "; others p99 " + LatencyStats.ms(baseline.p99())
                    + " ms before, " + LatencyStats.ms(during.p99()) + " ms while stuck";
            return new Result(
                    "slow",
                    String.format(
                            "%,d subs × %s msg/s, 1 stops reading", s.slowSubscribers, FanoutScenario.fmt(s.slowRate)),
                    letGoAt < 0 ? "–" : String.format("closed in %.1f s", BenchClock.seconds(letGoAt - stoppedAt)),
                    during,
                    integrity.cell(),
                    "–",
                    Result.mb(rig.server.rssKb()),
                    notes,
                    details);
        } finally {
            room.close(rig.client);
        }
    }

    /**
     * N subscribed sockets vanish at once: by default with a TCP reset and no close frame
     * ("rst"), or by going silent while the connection stays up ("silent": no reads, no pongs, so
     * only the server's idle timeout finds them). Reports how long the connection gauge takes to
     * come back to where it was.
     */
    Result drop() throws Exception {
        long room = rig.roomForAll("drop-" + System.currentTimeMillis());
        long baseline = rig.server.settledConnections(Duration.ofSeconds(20));
        Rig.log(String.format("drop: opening %,d sockets (gauge at %d)", s.dropSockets, baseline));
        SocketClient.Opened opened = rig.client.openAll(
                s.dropSockets,
                s.connectConcurrency,
                i -> rig.client.open(
                        "/ws/chat/" + room,
                        rig.user(i).token(),
                        SocketClient.spread(i, s.perAddress),
                        Frames.Type.SUBSCRIBED,
                        FrameListener.IGNORE));
        opened.requireAll("sockets to drop");
        List<WsSocket> sockets = opened.sockets();
        long peak = rig.server.settledConnections(Duration.ofSeconds(20));
        Rig.log(String.format(
                "drop: gauge at %d; now %s",
                peak,
                s.dropMode.equals("rst")
                        ? "all reset at once (SO_LINGER 0, no close frame)"
                        : "all go silent at once (no reads, no pongs)"));

        Instant from = Instant.now();
        Usage usage = Usage.begin(rig.server);
        long droppedAt = BenchClock.now();
        if (s.dropMode.equals("rst")) {
            sockets.forEach(WsSocket::abort);
        } else {
            sockets.forEach(WsSocket::pause);
        }
        long backAt = -1;
        long value = peak;
        long deadline = droppedAt + s.dropMaxWait.toNanos();
        while (BenchClock.now() < deadline) {
            value = rig.server.connections();
            if (value <= baseline) {
                backAt = BenchClock.now();
                break;
            }
            Thread.sleep(100);
        }
        usage.end();
        rig.profiled("drop", from, Instant.now());
        sockets.forEach(WsSocket::abort);
        SocketClient.awaitClosed(sockets, Duration.ofSeconds(30));

        List<String> details = new ArrayList<>();
        String took = backAt < 0
                ? String.format("NOT back within %d s (gauge still %d)", s.dropMaxWait.toSeconds(), value)
                : String.format("%.2f s", BenchClock.seconds(backAt - droppedAt));
        details.add(String.format(
                "parley_connections %d before, %d with the sockets, back to %d after %s",
                baseline, peak, backAt < 0 ? value : baseline, took));
        details.add("server idle timeout / ping interval: " + serverSetting("parley.ws.idle-timeout", "PT60S") + " / "
                + serverSetting("parley.ws.ping-interval", "PT25S"));
        details.add(usage.describe());
        if (backAt < 0) {
            Rig.loud("drop: the connection gauge did NOT come back to " + baseline + " within "
                    + s.dropMaxWait.toSeconds() + " s");
        }
        return new Result(
                "drop",
                String.format("%,d sockets, %s", s.dropSockets, s.dropMode),
                backAt < 0 ? "–" : "gauge back in " + took,
                LatencyStats.NONE,
                "–",
                "–",
                Result.mb(rig.server.rssKb()),
                String.format(
                        "gauge %d → %d → %d; idle timeout %s",
                        baseline,
                        peak,
                        backAt < 0 ? value : baseline,
                        serverSetting("parley.ws.idle-timeout", "PT60S")),
                details);
    }

    /**
     * Why a stuck socket can take long to overflow the server's outbox: loopback send buffers
     * autotune up to tcp_wmem's max while the receiver's window is the limit, and that kernel
     * buffer fills before the application sees any backpressure.
     */
    private String bufferNote(int frameBytes) {
        long max;
        try {
            String[] wmem = Proc.read(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem"))
                    .strip()
                    .split("\\s+");
            max = Long.parseLong(wmem[2]);
        } catch (java.io.IOException | RuntimeException e) {
            return "(tcp_wmem unknown)";
        }
        if (frameBytes <= 0) {
            return "the server's socket send buffer may grow to " + max
                    + " bytes (net.ipv4.tcp_wmem max) before its outbox fills";
        }
        long frames = max / frameBytes;
        return String.format(
                "the server's socket send buffer may grow to %,d bytes (net.ipv4.tcp_wmem max): about %,d frames of %d bytes,"
                        + " %.0f s at %s msg/s, before the outbox (parley.ws.outbox.max-frames, 2000 by default) starts to fill",
                max, frames, frameBytes, frames / s.slowRate, FanoutScenario.fmt(s.slowRate));
    }

    /** A server setting as the bench passed it (bench.jvm), else the server's default. */
    private String serverSetting(String name, String fallback) {
        for (String option : s.jvm.split("\\s+")) {
            if (option.startsWith("-D" + name + "=")) {
                return option.substring(name.length() + 3);
            }
        }
        return rig.server.ownProcess() ? fallback + " (default)" : "as the server was started";
    }
}
