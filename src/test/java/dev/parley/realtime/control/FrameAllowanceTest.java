package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.platform.control.Meters;
import org.junit.jupiter.api.Test;

/** A socket's own allowance of incoming frames, and the refusals that lead to its close. */
class FrameAllowanceTest {

    static final long SECOND = 1_000_000_000L;

    final Connection connection = new Connection(
            "c", new OutboxTest.HeldTransport(), null, null, null, new Connection.Limits(8, 1 << 20, new Meters()));

    @Test
    void theBurstGoesThroughThenTheRefillPaces() {
        long now = 0;
        for (int n = 0; n < 5; n++) {
            assertEquals(0, connection.takeFrame(5, 2, now), "frame " + n + " of the burst");
        }
        assertEquals(SECOND / 2, connection.takeFrame(5, 2, now));
        assertEquals(0, connection.takeFrame(5, 2, now + SECOND / 2));
        assertTrue(connection.takeFrame(5, 2, now + SECOND / 2) > 0);
        assertEquals(2, connection.overruns());
    }

    /**
     * A client sending at twice the refill rate gets every other frame through: its refusals
     * are never in a row, but they add up until it lets the allowance fill again.
     */
    @Test
    void refusalsAddUpWhileTheAllowanceStaysShortAndAreForgottenOnceItIsFull() {
        long now = 0;
        for (int n = 0; n < 5; n++) {
            connection.takeFrame(5, 10, now);
        }
        int through = 0;
        for (int n = 0; n < 60; n++) {
            now += SECOND / 20;
            if (connection.takeFrame(5, 10, now) == 0) {
                through++;
            }
        }
        assertEquals(30, through);
        assertEquals(30, connection.overruns());

        // a pause long enough to fill the allowance wipes the slate
        now += SECOND;
        assertEquals(0, connection.takeFrame(5, 10, now));
        assertEquals(0, connection.overruns());
    }
}
