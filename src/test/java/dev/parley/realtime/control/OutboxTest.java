package dev.parley.realtime.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The outbox's ordering rules, on a transport whose writes complete when the test says so. */
class OutboxTest {

    /** Records writes; each stays in flight until {@link #complete()}. */
    static class HeldTransport implements Transport {
        final List<String> written = new ArrayList<>();
        Consumer<Throwable> inFlight;

        @Override
        public void send(String frame, Consumer<Throwable> done) {
            written.add(frame);
            inFlight = done;
        }

        @Override
        public void sendNow(String frame) {
            written.add(frame);
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
        public boolean hearsBack() {
            return true;
        }

        void complete() {
            Consumer<Throwable> done = inFlight;
            inFlight = null;
            done.accept(null);
        }
    }

    final HeldTransport transport = new HeldTransport();
    final Outbox outbox = new Outbox("test", transport, new Connection.Limits(100, 1 << 20, () -> { }), Runnable::run);

    @Test
    void aPingJumpsTheBacklogSoSilenceMeasuresThePeerNotTheQueue() {
        outbox.release();
        outbox.send("m1", false);
        outbox.send("m2", false);
        outbox.send("m3", false);
        outbox.ping();
        outbox.ping(); // one ping pending at a time

        transport.complete(); // m1 written
        transport.complete(); // the ping, ahead of m2 and m3
        transport.complete();
        transport.complete();

        assertEquals(List.of("m1", "(ping)", "m2", "m3"), transport.written);
    }

    @Test
    void noPingBeforeTheConnectionHasOpenedSoTheFirstFrameGoesOutAlone() {
        outbox.send("connected", false);
        outbox.ping();
        outbox.release();

        assertEquals(List.of("connected"), transport.written);
        outbox.ping();
        transport.complete();
        assertEquals(List.of("connected", "(ping)"), transport.written);
    }

    @Test
    void aPeerCloseWaitsForTheWriteInFlightSoItCannotLandAfterTheClose() throws Exception {
        outbox.release();
        outbox.send("m1", false);
        outbox.send("m2", false);
        CountDownLatch discarded = new CountDownLatch(1);
        Thread closing = new Thread(() -> {
            outbox.discard();
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
    void anErrorFromTheTransportEndsTheConnectionWith1011InsteadOfLeavingItStuck() {
        List<String> closes = new ArrayList<>();
        Transport failing = new HeldTransport() {
            @Override
            public void send(String frame, Consumer<Throwable> done) {
                // what the container does with text it cannot encode as UTF-8
                throw new Error("Unpaired surrogate");
            }

            @Override
            public void close(int code, String reason) {
                closes.add(code + " " + reason);
            }
        };
        Outbox poisoned = new Outbox("test", failing, new Connection.Limits(100, 1 << 20, () -> { }), Runnable::run);
        poisoned.release();
        poisoned.send("poison", false);
        poisoned.send("after", false);
        poisoned.ping();

        assertEquals(List.of("1011 send failed"), closes, "closed once, with 1011");
    }
}
