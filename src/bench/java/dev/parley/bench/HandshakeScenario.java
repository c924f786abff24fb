package dev.parley.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * N WebSocket handshakes on /ws/chat with a Bearer token and an Origin header, C in flight at
 * once. One counts when its {@code connected} frame arrives; the socket is then closed normally.
 * A warm-up batch runs first and is not counted.
 */
final class HandshakeScenario {

    private final Rig rig;
    private final Settings s;

    HandshakeScenario(Rig rig) {
        this.rig = rig;
        this.s = rig.settings;
    }

    Result run() throws Exception {
        if (s.handshakeWarmup > 0) {
            Rig.log("handshakes: " + s.handshakeWarmup + " warm-up handshakes");
            batch(s.handshakeWarmup, 0);
        }
        Rig.log("handshakes: " + s.handshakes + " handshakes, " + s.handshakeConcurrency + " in flight");
        Instant from = Instant.now();
        Usage usage = Usage.begin(rig.server);
        // the window ends when the last socket is closed: each handshake's close is part of its cost
        SocketClient.Opened opened = batch(s.handshakes, s.handshakeWarmup);
        int open = SocketClient.awaitClosed(opened.sockets(), Duration.ofSeconds(30));
        usage.end();
        rig.profiled("handshakes", from, Instant.now());

        Histogram micros = new Histogram(3);
        opened.sockets().forEach(socket -> micros.recordValue(Math.max(0, socket.readyNanos() / 1000)));
        LatencyStats latency = LatencyStats.of(micros);
        int ok = opened.sockets().size();
        double perSecond = ok / BenchClock.seconds(opened.nanos());

        List<String> details = new ArrayList<>();
        details.add(
                String.format("%d handshakes in %.2f s: %,.0f/s", ok, BenchClock.seconds(opened.nanos()), perSecond));
        details.add("handshake latency (connect to the connected frame): " + latency);
        details.add(usage.describe());
        details.add("server CPU per handshake (and its close) " + Result.micros(usage.serverMicrosPer(ok), "handshake")
                + ", generator CPU per handshake " + Result.micros(usage.generatorMicrosPer(ok), "handshake"));
        String notes = String.format(
                "%d in flight; gen %.0f %%%s",
                s.handshakeConcurrency, usage.generatorLoad() * 100, usage.generatorSaturated() ? " SATURATED" : "");
        if (!opened.failures().isEmpty()) {
            Map<String, Integer> why = new TreeMap<>();
            for (Throwable t : opened.failures()) {
                String key = t instanceof WsSocket.Refused r && r.status > 0
                        ? "HTTP " + r.status
                        : t.getClass().getSimpleName() + ": " + t.getMessage();
                why.merge(key, 1, Integer::sum);
            }
            Rig.loud("handshakes: " + opened.failures().size() + " FAILED: " + why);
            details.add(opened.failures().size() + " failed: " + why);
            notes += "; " + opened.failures().size() + " failed";
        }
        if (open > 0) {
            details.add(open + " sockets were still closing 30 s after the run");
        }
        if (ok == 0) {
            throw new IllegalStateException("no handshake succeeded: " + details);
        }
        return new Result(
                "handshakes",
                String.format("%,d × %d in flight", s.handshakes, s.handshakeConcurrency),
                Result.count(perSecond) + " handshakes/s",
                latency,
                "–",
                Result.micros(usage.serverMicrosPer(ok), "handshake"),
                Result.mb(rig.server.rssKb()),
                notes,
                details);
    }

    private SocketClient.Opened batch(int count, int offset) throws InterruptedException {
        SocketClient.Opened opened = rig.client.openAll(count, s.handshakeConcurrency, i -> {
            WsSocket socket = rig.client.open(
                    "/ws/chat",
                    rig.user(i).token(),
                    SocketClient.spread(offset + i, s.perAddress),
                    Frames.Type.CONNECTED,
                    FrameListener.IGNORE);
            socket.ready.thenAccept(WsSocket::close);
            return socket;
        });
        SocketClient.awaitClosed(opened.sockets(), Duration.ofSeconds(30));
        return opened;
    }
}
