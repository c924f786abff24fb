package dev.parley.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * N idle sockets on /ws/chat, opened C at a time and held H seconds while the client answers
 * every ping: what an idle socket costs the server in memory, and whether the server keeps them
 * all (none may be closed during the hold). Past one source address's share of ephemeral ports
 * the sockets come from 127.0.0.2, .3 … (to 127.0.0.1 always).
 */
final class IdleScenario {

    private final Rig rig;
    private final Settings s;

    IdleScenario(Rig rig) {
        this.rig = rig;
        this.s = rig.settings;
    }

    Result run() throws Exception {
        ParleyServer server = rig.server;
        int n = s.idleSockets;
        long gaugeBefore = server.hasGauges() ? server.settledConnections(Duration.ofSeconds(20)) : -1;
        // heap after a full GC shows what the sockets keep alive; RSS alone also counts heap the JVM grew into
        boolean gc = server.gc();
        long rssBefore = server.rssKb();
        long heapBefore = server.heapUsed();
        int addresses = 1 + (n - 1) / Math.max(1, s.perAddress);
        Rig.log(String.format(
                "idle: opening %,d sockets, %d at a time, from %d source address%s (127.0.0.1%s)",
                n,
                s.idleConcurrency,
                addresses,
                addresses == 1 ? "" : "es",
                addresses == 1 ? "" : " to 127.0.0." + addresses));

        java.time.Instant from = java.time.Instant.now();
        Usage opening = Usage.begin(server);
        SocketClient.Opened opened = rig.client.openAll(
                n,
                s.idleConcurrency,
                i -> rig.client.open(
                        "/ws/chat",
                        rig.user(i).token(),
                        SocketClient.spread(i, s.perAddress),
                        Frames.Type.CONNECTED,
                        FrameListener.IGNORE));
        opening.end();
        rig.profiled("idle-open", from, java.time.Instant.now());
        List<WsSocket> sockets = opened.sockets();
        List<String> details = new ArrayList<>();
        String notes = "";
        if (!opened.failures().isEmpty()) {
            Rig.loud("idle: " + opened.failures().size() + " of " + n + " sockets could NOT be opened; first: "
                    + opened.failures().get(0));
            details.add(opened.failures().size() + " sockets could not be opened; first: "
                    + opened.failures().get(0));
            notes = opened.failures().size() + " not opened; ";
            if (sockets.isEmpty()) {
                throw new IllegalStateException(
                        "no idle socket could be opened: " + opened.failures().get(0),
                        opened.failures().get(0));
            }
        }
        Rig.log(String.format(
                "idle: %,d open in %.1f s; holding them %d s",
                sockets.size(), BenchClock.seconds(opened.nanos()), s.idleHold.toSeconds()));

        try {
            return hold(sockets, opened, opening, gaugeBefore, rssBefore, gc ? heapBefore : -1, details, notes);
        } finally {
            // closeAll is idempotent: after a normal hold the sockets are closed already
            rig.client.closeAll(sockets, Duration.ofSeconds(120));
        }
    }

    private Result hold(
            List<WsSocket> sockets,
            SocketClient.Opened opened,
            Usage opening,
            long gaugeBefore,
            long rssBefore,
            long heapBefore,
            List<String> details,
            String notes)
            throws Exception {
        ParleyServer server = rig.server;
        int n = s.idleSockets;
        double openSeconds = BenchClock.seconds(opened.nanos());
        long holdStart = System.nanoTime();
        long holdEnd = holdStart + s.idleHold.toNanos();
        // what holding costs: pings out and pongs in are the only traffic
        long pingsBefore = sockets.stream().mapToLong(WsSocket::pings).sum();
        Usage holding = Usage.begin(server);
        Thread.sleep(Math.max(0, s.idleHold.toMillis() / 2));
        long gaugeDuring = server.hasGauges() ? server.connections() : -1;
        long rssOpen = server.rssKb();
        while (System.nanoTime() < holdEnd) {
            Thread.sleep(Math.min(1000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
        }
        holding.end();
        long pingsHeld = sockets.stream().mapToLong(WsSocket::pings).sum() - pingsBefore;
        long rssHeld = server.rssKb();
        long heapHeld = heapBefore >= 0 && server.gc() ? server.heapUsed() : -1;
        long closedByServer = sockets.stream()
                .filter(x -> x.closeCode() != 0 && !x.closedByBench())
                .count();
        long pings = sockets.stream().mapToLong(WsSocket::pings).sum();

        Rig.log("idle: closing them");
        rig.client.closeAll(sockets, Duration.ofSeconds(120));
        long gaugeAfter = server.hasGauges() ? awaitGauge(server, gaugeBefore, Duration.ofSeconds(90)) : -1;

        double kbPerSocket = rssBefore < 0 ? Double.NaN : (rssHeld - rssBefore) / (double) sockets.size();
        details.add(String.format(
                "%,d sockets open in %.1f s (%,.0f/s); server CPU while opening %s",
                sockets.size(),
                openSeconds,
                sockets.size() / openSeconds,
                Result.micros(opening.serverMicrosPer(sockets.size()), "socket")));
        details.add(String.format(
                "server RSS before %s, all open %s, end of hold %s: %.1f KB per socket",
                Result.mb(rssBefore), Result.mb(rssOpen), Result.mb(rssHeld), kbPerSocket));
        double heapPerSocket = Double.NaN;
        if (heapBefore >= 0 && heapHeld >= 0) {
            heapPerSocket = (heapHeld - heapBefore) / 1024.0 / sockets.size();
            details.add(String.format(
                    "server heap after a full GC: before %,.1f MB, end of hold %,.1f MB: %.1f KB per socket",
                    heapBefore / 1048576.0, heapHeld / 1048576.0, heapPerSocket));
        } else {
            details.add("server heap per socket unknown (no jcmd GC.run on the server's pid)");
        }
        details.add(String.format(
                "parley_connections before %d, during the hold %d, after closing %d",
                gaugeBefore, gaugeDuring, gaugeAfter));
        details.add(String.format(
                "closed by the server during the hold: %d (must be 0); pings answered: %,d", closedByServer, pings));
        details.add(String.format(
                "server CPU during the hold: %s; %,d pings answered in it: %s",
                holding.describe(), pingsHeld, Result.micros(holding.serverMicrosPer(pingsHeld), "ping")));
        if (closedByServer > 0) {
            Rig.loud("idle: the server CLOSED " + closedByServer + " idle sockets during the hold");
        }
        if (!server.hasGauges()) {
            details.add("parley_connections not read: the server has no /metrics on its HTTP port");
        } else if (gaugeDuring != gaugeBefore + sockets.size()) {
            Rig.loud(String.format(
                    "idle: parley_connections during the hold is %d, expected %d",
                    gaugeDuring, gaugeBefore + sockets.size()));
        }
        notes += String.format(
                "%.1f KB RSS/socket (heap %.1f KB); opened in %.1f s; gauge %d/%d/%d; %d closed by server; %,d pings;"
                        + " holding: %.0f %% of a core, %s",
                kbPerSocket,
                heapPerSocket,
                openSeconds,
                gaugeBefore,
                gaugeDuring,
                gaugeAfter,
                closedByServer,
                pings,
                holding.serverLoad() * 100,
                Result.micros(holding.serverMicrosPer(pingsHeld), "ping"));
        return new Result(
                "idle",
                String.format("%,d sockets, %d s hold", n, s.idleHold.toSeconds()),
                Result.count(sockets.size() / openSeconds) + " opens/s",
                LatencyStats.NONE,
                "–",
                Result.micros(opening.serverMicrosPer(sockets.size()), "open"),
                Result.mb(rssHeld),
                notes,
                details);
    }

    /** Waits (bounded) for the gauge to come back to {@code baseline}; answers the last value. */
    static long awaitGauge(ParleyServer server, long baseline, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        long value = server.connections();
        while (value > baseline && System.nanoTime() < deadline) {
            Thread.sleep(250);
            value = server.connections();
        }
        return value;
    }
}
