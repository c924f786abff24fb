package dev.parley.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * S subscribers in one room, one publisher at R messages/s (each rate of the list in turn, on the
 * same sockets): warm-up, then the measured window, then a drain until every subscriber has
 * every seq. Latency runs from each message's scheduled send time to each delivery.
 */
final class FanoutScenario {

    private final Rig rig;
    private final Settings s;

    FanoutScenario(Rig rig) {
        this.rig = rig;
        this.s = rig.settings;
    }

    List<Result> run() throws Exception {
        Window window = new Window();
        Deliveries deliveries = new Deliveries(window);
        Sends sends = new Sends(window, 1);
        Rig.log("fanout: opening " + s.subscribers + " subscribers in one room ("
                + rig.users().size() + " users)");
        FanoutRoom room =
                FanoutRoom.open(rig, "fanout-" + System.currentTimeMillis(), s.subscribers, i -> deliveries, sends, 0);
        Rig.log(String.format(
                "fanout: %d subscribers ready in %.1f s", s.subscribers, BenchClock.seconds(room.openNanos)));
        List<Result> results = new ArrayList<>();
        try {
            for (double rate : s.rates) {
                results.add(stage(room, rate, window, deliveries, sends));
            }
        } finally {
            room.close(rig.client);
        }
        return results;
    }

    private Result stage(FanoutRoom room, double rate, Window window, Deliveries deliveries, Sends sends)
            throws Exception {
        long base = rig.setup.lastSeq(rig.user(0), room.room);
        room.expectAfter(rig.client, base);
        deliveries.reset();
        sends.reset();
        long warm = s.warmup.toNanos();
        long measure = s.measure.toNanos();
        long start = BenchClock.now() + 200_000_000L;
        window.set(start + warm, start + warm + measure);
        long count = Math.max(1, Math.round(rate * (warm + measure) / 1e9));
        Rig.log(String.format(
                "fanout: %s msg/s to %d subscribers: %d s warm-up, %d s measured",
                fmt(rate), s.subscribers, s.warmup.toSeconds(), s.measure.toSeconds()));
        Publisher publisher = new Publisher(
                        "fanout-publisher", start, rate, count, (i, due) -> room.publish(i, due, s.contentBytes, sends))
                .begin();

        BenchClock.sleepUntil(window.start());
        Instant from = Instant.now();
        Usage usage = Usage.begin(rig.server);
        double redisFrom = s.nodes == 2 ? RedisCpu.seconds(s.redis) : Double.NaN;
        BenchClock.sleepUntil(window.end());
        usage.end();
        double redisCpu = s.nodes == 2 ? RedisCpu.seconds(s.redis) - redisFrom : Double.NaN;
        long rss = rig.server.rssKb();
        rig.profiled("fanout-" + fmt(rate), from, Instant.now());
        publisher.join(5_000_000_000L);

        long drainStart = BenchClock.now();
        boolean acked = awaitAcks(sends);
        long last = rig.setup.lastSeq(rig.user(0), room.room);
        Integrity integrity = Integrity.await(rig.client, room.subscribers, r -> last, s.drain);
        double drainSeconds = BenchClock.seconds(BenchClock.now() - drainStart);
        Histogram latencies = deliveries.latencies();
        LatencyStats latency = LatencyStats.of(latencies);
        LatencyStats ack = LatencyStats.of(sends.ackLatencies());
        long inWindow = deliveries.inWindow();
        double perSecond = inWindow / window.seconds();
        double expected = rate * s.subscribers;

        List<String> details = new ArrayList<>();
        details.add(String.format(
                "deliveries in the window: %,d (%,.0f/s; the schedule asks %,.0f/s)", inWindow, perSecond, expected));
        details.add("latency from the scheduled send: " + latency);
        details.add("publisher: " + publisher.sent() + " sent, " + sends.confirmedCount() + " acked"
                + (acked ? "" : " (not all acked within the drain time)") + ", ack " + ack
                + String.format(", worst send lag %.1f ms", publisher.maxLagMillis()));
        details.add(String.format(
                "integrity: %d lost, %d duplicated, %d reordered (drained in %.1f s)%s",
                integrity.missing(),
                integrity.duplicates(),
                integrity.reordered(),
                drainSeconds,
                integrity.drained() ? "" : ", DRAIN TIMED OUT"));
        details.add(usage.describe());
        details.add(String.format(
                "server CPU per delivery %s; generator CPU per delivery %s; server RSS %s",
                Result.micros(usage.serverMicrosPer(inWindow), "delivery"),
                Result.micros(usage.generatorMicrosPer(inWindow), "delivery"),
                Result.mb(rss)));
        // a message in the window reached every subscriber once
        double messages = inWindow / (double) s.subscribers;
        String redis = Double.isNaN(redisCpu) || messages <= 0
                ? ""
                : String.format("; Redis %.1f µs/msg", redisCpu * 1e6 / messages);
        if (s.nodes == 2) {
            details.add(String.format(
                    "2 nodes (subscribers alternate, publisher on node A): server CPU and RSS are both nodes'"
                            + " sums; Redis CPU %.3f s in the window%s",
                    redisCpu, redis));
        }
        problems(deliveries, sends, details);
        integrity.report("fanout");

        String notes = String.format(
                "%sack p99 %s ms; gen %.0f %%%s%s",
                s.nodes == 2 ? "2 nodes" + redis + "; " : "",
                LatencyStats.ms(ack.p99()),
                usage.generatorLoad() * 100,
                usage.generatorSaturated() ? " SATURATED" : "",
                deliveries.unexpectedCloseCount() > 0
                        ? "; " + deliveries.unexpectedCloseCount() + " sockets closed"
                        : "");
        if (sends.unanswered() > 0) {
            notes += "; " + sends.unanswered() + " sends unanswered after the drain";
        }
        return new Result(
                "fanout",
                String.format("%,d subs × %s msg/s", s.subscribers, fmt(rate)),
                Result.count(perSecond) + " deliveries/s",
                latency,
                integrity.cell(),
                Result.micros(usage.serverMicrosPer(inWindow), "delivery"),
                Result.mb(rss),
                notes,
                details);
    }

    private boolean awaitAcks(Sends sends) throws InterruptedException {
        long deadline = System.nanoTime() + s.drain.toNanos();
        while (!sends.settled() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return sends.settled();
    }

    /** Error frames, failed sends and unexpected closes, printed loudly and listed in the details. */
    static void problems(Deliveries deliveries, Sends sends, List<String> details) {
        if (!deliveries.errors().isEmpty()) {
            Rig.loud("error frames: " + deliveries.errors());
            details.add("error frames: " + deliveries.errors());
        }
        if (sends.failedCount() > 0) {
            Rig.loud(sends.failedCount() + " sends FAILED; first: " + sends.firstFailure());
            details.add(sends.failedCount() + " sends failed; first: " + sends.firstFailure());
        }
        if (sends.skippedCount() > 0) {
            Rig.loud(sends.skippedCount() + " sends SKIPPED: the generator's REST backlog was full");
            details.add(sends.skippedCount() + " sends skipped (REST backlog full)");
        }
        if (deliveries.unexpectedCloseCount() > 0) {
            Rig.loud("sockets CLOSED by the server or lost, by close code: " + deliveries.unexpectedCloses());
            details.add("sockets closed by the server: " + deliveries.unexpectedCloses());
        }
    }

    static String fmt(double rate) {
        return rate == Math.rint(rate) ? String.format("%,d", (long) rate) : String.valueOf(rate);
    }
}
