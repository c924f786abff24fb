package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.platform.control.Meters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lane's batch: queue everything first, then write each connection once. */
class LaneBatchTest {

    final Connection.Limits limits = new Connection.Limits(8, 1 << 20, new Meters());

    Connection open(String id, Transport transport) {
        Connection connection = new Connection(id, transport, null, null, null, limits);
        connection.release();
        return connection;
    }

    // what a channel's publish does: queue under its lock, then ask for the pump
    static Runnable publish(Connection connection, String text) {
        return () -> {
            if (connection.offer(OutboxTest.frame(text))) {
                LaneBatch.pump(List.of(connection));
            }
        };
    }

    @Test
    void twoEventsForOneConnectionInOneBatchLeaveInOneWriteAfterEverythingIsQueued() {
        OutboxTest.TogetherTransport transport = new OutboxTest.TogetherTransport();
        Connection connection = open("a", transport);
        List<String> seenWhileQueuing = new ArrayList<>();

        LaneBatch.run(List.of(
                publish(connection, "m1"),
                publish(connection, "m2"),
                () -> seenWhileQueuing.addAll(transport.written)));

        assertEquals(List.of(), seenWhileQueuing, "nothing is written while the batch is queued");
        assertEquals(List.of("m1+m2"), transport.written);
    }

    @Test
    void whateverATaskThrowsTheOthersRunAndEveryConnectionThatQueuedIsWritten() {
        OutboxTest.HeldTransport first = new OutboxTest.HeldTransport();
        OutboxTest.HeldTransport second = new OutboxTest.HeldTransport();
        Connection a = open("a", first);
        Connection b = open("b", second);

        LaneBatch.run(List.of(
                publish(a, "to a"),
                () -> {
                    throw new IllegalStateException("a failing task (expected in this test)");
                },
                () -> {
                    throw new AssertionError("an Error too (expected in this test)");
                },
                publish(b, "to b")));

        assertEquals(List.of("to a"), first.written);
        assertEquals(List.of("to b"), second.written);
    }

    @Test
    void outsideALaneAPumpWritesAtOnce() {
        OutboxTest.HeldTransport transport = new OutboxTest.HeldTransport();
        Connection connection = open("a", transport);

        publish(connection, "now").run();

        assertEquals(List.of("now"), transport.written);
    }
}
