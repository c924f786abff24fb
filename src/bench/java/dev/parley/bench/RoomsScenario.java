package dev.parley.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Many rooms with a few subscribers each, and R persisted messages/s in all, each to a random
 * room: a share of them posted over REST, the rest sent as socket message frames by the room's
 * first subscriber. Measures like fanout (from the scheduled send to each delivery), plus the
 * REST answer and the ack latency.
 */
final class RoomsScenario {

    private final Rig rig;
    private final Settings s;

    RoomsScenario(Rig rig) {
        this.rig = rig;
        this.s = rig.settings;
    }

    Result run() throws Exception {
        int rooms = s.rooms;
        int per = s.roomSubscribers;
        int members = s.roomMembers;
        Rig.log(String.format("rooms: creating %,d rooms with %d members each", rooms, members));
        long stamp = System.currentTimeMillis();
        List<Callable<Long>> creates = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            int room = r;
            creates.add(() -> rig.setup.createRoom(rig.user(room), "rooms-" + stamp + "-" + room));
        }
        long[] ids =
                rig.setup.all(creates, 8).stream().mapToLong(Long::longValue).toArray();
        List<Callable<Void>> joins = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            for (int k = 1; k < members; k++) {
                Setup.User user = rig.user(r + k);
                long id = ids[r];
                joins.add(() -> {
                    rig.setup.join(user, id);
                    return null;
                });
            }
        }
        rig.setup.all(joins, 8);

        Window window = new Window();
        Deliveries deliveries = new Deliveries(window);
        Sends sends = new Sends(window, rooms);
        Rig.log(String.format("rooms: opening %,d sockets (%d per room)", rooms * per, per));
        SocketClient.Opened opened = rig.client.openAll(rooms * per, s.connectConcurrency, i -> {
            int r = i / per;
            int j = i % per;
            // the first socket of each room also sends that room's socket messages
            Subscriber subscriber = new Subscriber(deliveries, j == 0 ? sends : null, r);
            return rig.client.open(
                    "/ws/chat/" + ids[r],
                    rig.user(r + j % members).token(),
                    SocketClient.spread(i, s.perAddress),
                    Frames.Type.SUBSCRIBED,
                    subscriber);
        });
        opened.requireAll("room sockets");
        List<WsSocket> sockets = opened.sockets();
        List<Subscriber> subscribers =
                sockets.stream().map(x -> (Subscriber) x.listener()).toList();
        WsSocket[] senders = new WsSocket[rooms];
        for (int r = 0; r < rooms; r++) {
            senders[r] = sockets.get(r * per);
        }
        Rig.log(String.format(
                "rooms: %,d sockets ready in %.1f s", sockets.size(), BenchClock.seconds(opened.nanos())));

        RestSender rest = new RestSender(rig.client, s.restConnections, s.restBacklog, sends);
        try {
            Random random = new Random(42);
            long warm = s.warmup.toNanos();
            long measure = s.measure.toNanos();
            long start = BenchClock.now() + 200_000_000L;
            window.set(start + warm, start + warm + measure);
            long count = Math.max(1, Math.round(s.roomRate * (warm + measure) / 1e9));
            Rig.log(String.format(
                    "rooms: %s msg/s over %,d rooms (%.0f %% REST): %d s warm-up, %d s measured",
                    FanoutScenario.fmt(s.roomRate),
                    rooms,
                    s.restShare * 100,
                    s.warmup.toSeconds(),
                    s.measure.toSeconds()));
            Publisher publisher = new Publisher("rooms-publisher", start, s.roomRate, count, (i, due) -> {
                        int r = random.nextInt(rooms);
                        String content = Frames.content(due, s.contentBytes);
                        String clientId = "c" + due + "-" + i;
                        if (random.nextDouble() < s.restShare) {
                            rest.submit(new RestSender.Post(
                                    r,
                                    ids[r],
                                    rig.user(r).token(),
                                    "{\"content\":\"" + content + "\",\"client_id\":\"" + clientId + "\"}",
                                    due,
                                    0));
                        } else {
                            sends.sent();
                            senders[r].send(Frames.messageFrame(0, content, clientId));
                        }
                    })
                    .begin();

            DatabaseStall stall = null;
            if (!s.roomsStall.isZero()) {
                if (!s.db.equals("postgres") || s.external()) {
                    throw new IllegalArgumentException(
                            "bench.rooms.stall needs the bench's own server on PostgreSQL (bench.db=postgres, no bench.url)");
                }
                stall = new DatabaseStall(s, s.roomsStall);
                // three seconds into the window, so it shows the node before and during the stall
                stall.startAt(window.start() + 3_000_000_000L);
            }
            BenchClock.sleepUntil(window.start());
            Instant from = Instant.now();
            Usage usage = Usage.begin(rig.server);
            BenchClock.sleepUntil(window.end());
            usage.end();
            long rss = rig.server.rssKb();
            rig.profiled("rooms", from, Instant.now());
            publisher.join(5_000_000_000L);
            if (stall != null) {
                stall.join();
            }

            long drainStart = BenchClock.now();
            long deadline = System.nanoTime() + s.drain.toNanos();
            while (!sends.settled() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            boolean answered = sends.settled();
            Map<Long, Long> last = rig.setup.lastSeqs(rig.user(0));
            long[] lastSeq = new long[rooms];
            int unconfirmed = 0;
            for (int r = 0; r < rooms; r++) {
                lastSeq[r] = last.getOrDefault(ids[r], 0L);
                if (lastSeq[r] != sends.lastSeq(r)) {
                    unconfirmed++;
                }
            }
            Integrity integrity = Integrity.await(rig.client, subscribers, r -> lastSeq[(int) r], s.drain);
            double drainSeconds = BenchClock.seconds(BenchClock.now() - drainStart);

            LatencyStats latency = LatencyStats.of(deliveries.latencies());
            LatencyStats restLatency = LatencyStats.of(sends.restLatencies());
            LatencyStats ackLatency = LatencyStats.of(sends.ackLatencies());
            long inWindow = deliveries.inWindow();
            long messages = sends.confirmedInWindow();
            double perSecond = inWindow / window.seconds();

            List<String> details = new ArrayList<>();
            details.add(String.format(
                    "messages stored in the window: %,d (%,.0f/s; the schedule asks %s/s); deliveries %,d (%,.0f/s)",
                    messages, messages / window.seconds(), FanoutScenario.fmt(s.roomRate), inWindow, perSecond));
            details.add("latency from the scheduled send to each delivery: " + latency);
            details.add("REST answer (from the scheduled send): " + restLatency);
            details.add("socket ack (from the scheduled send): " + ackLatency);
            details.add(String.format(
                    "sent %,d, confirmed %,d%s (skipped %,d, failed %,d); REST over %d connections (%d opened in all), %d retries after a"
                            + " dropped connection, %d failed connects; worst send lag %.1f ms",
                    sends.sentCount(),
                    sends.confirmedCount(),
                    answered ? "" : " (NOT all answered within the drain time)",
                    sends.skippedCount(),
                    sends.failedCount(),
                    s.restConnections,
                    rest.opened(),
                    rest.retries(),
                    rest.connectFailures(),
                    publisher.maxLagMillis()));
            if (unconfirmed > 0) {
                details.add(unconfirmed + " rooms whose last seq differs from the last one the bench saw confirmed");
            }
            details.add(String.format(
                    "integrity: %d lost, %d duplicated, %d reordered (drained in %.1f s)%s",
                    integrity.missing(),
                    integrity.duplicates(),
                    integrity.reordered(),
                    drainSeconds,
                    integrity.drained() ? "" : ", DRAIN TIMED OUT"));
            details.add(usage.describe());
            details.add(String.format(
                    "server CPU per message %s, per delivery %s; generator CPU per delivery %s; server RSS %s",
                    Result.micros(usage.serverMicrosPer(messages), "message"),
                    Result.micros(usage.serverMicrosPer(inWindow), "delivery"),
                    Result.micros(usage.generatorMicrosPer(inWindow), "delivery"),
                    Result.mb(rss)));
            FanoutScenario.problems(deliveries, sends, details);
            integrity.report("rooms");
            String notes = String.format(
                    "%,.0f msg/s stored, %s per message; REST p99 %s ms; ack p99 %s ms; gen %.0f %%%s",
                    messages / window.seconds(),
                    Result.micros(usage.serverMicrosPer(messages), "msg").replace("/msg", ""),
                    LatencyStats.ms(restLatency.p99()),
                    LatencyStats.ms(ackLatency.p99()),
                    usage.generatorLoad() * 100,
                    usage.generatorSaturated() ? " SATURATED" : "");
            if (sends.unanswered() > 0) {
                notes += "; " + sends.unanswered() + " sends unanswered after the drain";
            }
            if (sends.skippedCount() > 0) {
                notes += "; " + sends.skippedCount() + " REST posts skipped (backlog full)";
            }
            return new Result(
                    "rooms",
                    String.format(
                            "%,d rooms × %d subs, %s msg/s, %.0f %% REST",
                            rooms, per, FanoutScenario.fmt(s.roomRate), s.restShare * 100),
                    Result.count(perSecond) + " deliveries/s",
                    latency,
                    integrity.cell(),
                    Result.micros(usage.serverMicrosPer(inWindow), "delivery"),
                    Result.mb(rss),
                    notes,
                    details);
        } finally {
            rest.close();
            Rig.log("rooms: closing the sockets");
            rig.client.closeAll(sockets, Duration.ofSeconds(120));
        }
    }
}
