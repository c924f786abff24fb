package dev.parley.realtime.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.platform.control.Meters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The outbox's rules, on a transport whose writes complete when the test says so. */
class OutboxTest {

    /** Records writes; each stays in flight until {@link #complete()}. */
    static class HeldTransport implements Transport {
        final List<String> written = new ArrayList<>();
        Consumer<Throwable> inFlight;

        @Override
        public void send(EncodedFrame frame, Consumer<Throwable> done) {
            written.add(frame.text());
            inFlight = done;
        }

        @Override
        public void sendNow(EncodedFrame frame) {
            written.add(frame.text());
        }

        @Override
        public void ping(Consumer<Throwable> done) {
            written.add("(ping)");
            inFlight = done;
        }

        @Override
        public void close(int code, String reason) {
            written.add("(close " + code + ")");
        }

        @Override
        public void closeAfterWrites(int code, String reason) {
            written.add("(close " + code + " after writes)");
        }

        @Override
        public boolean hearsBack() {
            return true;
        }

        void complete() {
            Consumer<Throwable> done = inFlight;
            inFlight = null;
            done.accept(null);
        }
    }

    static EncodedFrame frame(String text) {
        return new EncodedFrame(text, "message", 0, false);
    }

    static EncodedFrame droppable(String text) {
        return new EncodedFrame(text, "typing", 0, true);
    }

    final HeldTransport transport = new HeldTransport();
    final Meters meters = new Meters();
    final Outbox outbox = new Outbox("test", transport, new Connection.Limits(4, 1 << 20, meters));

    /** Like {@link HeldTransport}, but a backlog of frames may leave in one write, recorded joined by '+'. */
    static class TogetherTransport extends HeldTransport {
        @Override
        public boolean writesTogether() {
            return true;
        }

        @Override
        public void sendTogether(List<EncodedFrame> frames, Consumer<Throwable> done) {
            written.add(String.join("+", frames.stream().map(EncodedFrame::text).toList()));
            inFlight = done;
        }
    }

    @Test
    void aBacklogLeavesInOneWriteInOrderUpToAPingAndEachLiveFrameCounts() {
        TogetherTransport together = new TogetherTransport();
        Outbox batched = new Outbox("test", together, new Connection.Limits(8, 1 << 20, meters));
        batched.release();
        batched.send(frame("m1").live());
        batched.send(frame("m2").live());
        batched.send(frame("m3").live());
        batched.send(frame("m4").live());
        assertEquals(List.of("m1"), together.written, "the first goes at once, alone");

        together.complete();
        assertEquals(List.of("m1", "m2+m3+m4"), together.written, "the backlog follows in one write");
        assertEquals(1, meters.total(Meters.Count.DELIVERIES), "counted once written, not when handed over");
        together.complete();
        assertEquals(4, meters.total(Meters.Count.DELIVERIES));

        batched.send(frame("m5"));
        batched.send(frame("m6"));
        batched.send(Outgoing.Ping.PING);
        together.complete();
        together.complete();
        assertEquals(List.of("m1", "m2+m3+m4", "m5", "(ping)", "m6"), together.written);
    }

    @Test
    void aPingJumpsTheBacklogSoSilenceMeasuresThePeerNotTheQueue() {
        outbox.release();
        outbox.send(frame("m1"));
        outbox.send(frame("m2"));
        outbox.send(frame("m3"));
        outbox.send(Outgoing.Ping.PING);
        outbox.send(Outgoing.Ping.PING); // one ping pending at a time

        transport.complete(); // m1 written
        transport.complete(); // the ping, ahead of m2 and m3
        transport.complete();
        transport.complete();

        assertEquals(List.of("m1", "(ping)", "m2", "m3"), transport.written);
    }

    @Test
    void noPingBeforeTheConnectionHasOpenedSoTheFirstFrameGoesOutAlone() {
        outbox.send(frame("connected"));
        outbox.send(Outgoing.Ping.PING);
        outbox.release();

        assertEquals(List.of("connected"), transport.written);
        outbox.send(Outgoing.Ping.PING);
        transport.complete();
        assertEquals(List.of("connected", "(ping)"), transport.written);
    }

    @Test
    void aLiveMessageCountsAsDeliveredOnceWrittenAndOtherFramesDoNot() {
        outbox.release();
        outbox.send(frame("reply"));
        outbox.send(frame("live").live());
        transport.complete();
        assertEquals(0, meters.total(Meters.Count.DELIVERIES), "not written yet");
        transport.complete();
        assertEquals(1, meters.total(Meters.Count.DELIVERIES));
        assertEquals(1, meters.commitToWrite().count(), "one latency sample");
    }

    @Test
    void offeringNeverWritesAndOnlyTheFirstOfferAsksForAPump() {
        outbox.release();
        assertTrue(outbox.offer(frame("m1")), "an idle outbox asks its caller to start writing");
        assertFalse(outbox.offer(frame("m2")), "a pump is already due");
        assertEquals(List.of(), transport.written, "nothing is written under the caller's locks");
        outbox.pump();
        transport.complete();
        transport.complete();
        assertEquals(List.of("m1", "m2"), transport.written);
    }

    @Test
    void droppableFramesGiveWayAndAnOverflowClosesWith4008() {
        outbox.release();
        outbox.send(frame("m1")); // in flight
        outbox.send(frame("m2"));
        outbox.send(frame("m3"));
        outbox.send(droppable("typing")); // the queue is half full: dropped
        outbox.send(frame("m4"));
        outbox.send(frame("m5"));
        outbox.send(frame("m6")); // over 4 queued: the connection is too slow
        assertEquals(1, meters.total(Meters.Count.SLOW_CLOSES));
        assertEquals(1, meters.total(Meters.Count.DROPPED));

        transport.complete();
        assertEquals(List.of("m1", "(close 4008 after writes)"), transport.written, "nothing more after the overflow");
        outbox.send(frame("m7"));
        assertEquals(List.of("m1", "(close 4008 after writes)"), transport.written);
    }

    @Test
    void aCloseAfterQueuedWaitsForTheFramesBeforeIt() {
        outbox.release();
        outbox.send(frame("error"));
        outbox.send(new Outgoing.Close(4029, "rate limit exceeded"));
        outbox.send(frame("too late"));
        transport.complete();
        assertEquals(List.of("error", "(close 4029 after writes)"), transport.written);
    }

    @Test
    void aPeerCloseWaitsForTheWriteInFlightSoItCannotLandAfterTheClose() throws Exception {
        outbox.release();
        outbox.send(frame("m1"));
        outbox.send(frame("m2"));
        CountDownLatch discarded = new CountDownLatch(1);
        Thread closing = new Thread(() -> {
            outbox.discard(true);
            discarded.countDown();
        });
        closing.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
        assertEquals(1, discarded.getCount(), "discard returned while m1 was still being written");
        transport.complete();
        assertTrue(discarded.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("m1"), transport.written, "nothing is written after the close");
    }

    @Test
    void aCloseFollowsTheWritesUnlessOneIsStillInFlight() {
        outbox.release();
        outbox.send(frame("m1"));
        outbox.close(1008, "logged out");
        assertEquals(List.of("m1", "(close 1008)"), transport.written, "m1 in flight: the container's close");
        assertTrue(outbox.isClosed());

        HeldTransport idle = new HeldTransport();
        Outbox quiet = new Outbox("quiet", idle, new Connection.Limits(4, 1 << 20, meters));
        quiet.release();
        quiet.send(frame("m1"));
        idle.complete();
        quiet.close(1008, "logged out");
        assertEquals(List.of("m1", "(close 1008 after writes)"), idle.written, "nothing in flight: after the writes");
    }

    @Test
    void anErrorFromTheTransportEndsTheConnectionWith1011InsteadOfLeavingItStuck() {
        List<String> closes = new ArrayList<>();
        Transport failing = new HeldTransport() {
            @Override
            public void send(EncodedFrame frame, Consumer<Throwable> done) {
                // what the container does with text it cannot encode as UTF-8
                throw new Error("Unpaired surrogate");
            }

            @Override
            public void close(int code, String reason) {
                closes.add(code + " " + reason);
            }

            @Override
            public void closeAfterWrites(int code, String reason) {
                closes.add(code + " " + reason + " after writes");
            }
        };
        Outbox poisoned = new Outbox("test", failing, new Connection.Limits(100, 1 << 20, new Meters()));
        poisoned.release();
        poisoned.send(frame("poison"));
        poisoned.send(frame("after"));
        poisoned.send(Outgoing.Ping.PING);

        assertEquals(List.of("1011 send failed after writes"), closes, "closed once, with 1011");
    }
}
