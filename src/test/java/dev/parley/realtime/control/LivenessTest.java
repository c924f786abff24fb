package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LivenessTest {

    static final long PING = Duration.ofSeconds(25).toNanos();
    static final long IDLE = Duration.ofSeconds(60).toNanos();

    @Test
    void eachConnectionWaitsBetweenTheIntervalAndAQuarterMore() {
        Set<Long> seen = new TreeSet<>();
        for (int i = 0; i < 2_000; i++) {
            long interval = Liveness.stretched(PING, IDLE, UUID.randomUUID().toString());
            assertTrue(interval >= PING && interval <= PING + PING / 4, "interval " + interval);
            seen.add(interval * 10 / PING);
        }
        // spread over the whole quarter, not bunched: 10.0 to 12.5 tenths of the interval
        assertEquals(Set.of(10L, 11L, 12L), seen);
    }

    @Test
    void theSameConnectionAlwaysGetsTheSameInterval() {
        String id = UUID.randomUUID().toString();
        assertEquals(Liveness.stretched(PING, IDLE, id), Liveness.stretched(PING, IDLE, id));
    }

    @Test
    void neverStretchedPastWhatTheIdleTimeoutLeaves() {
        long ping = Duration.ofSeconds(50).toNanos();
        long tick = ping / Liveness.TICKS_PER_INTERVAL;
        for (int i = 0; i < 2_000; i++) {
            long interval = Liveness.stretched(ping, IDLE, UUID.randomUUID().toString());
            assertTrue(interval + 2 * tick <= IDLE || interval == ping, "interval " + interval);
        }
        assertEquals(ping, Liveness.stretched(ping, Duration.ofSeconds(55).toNanos(), "any"));
    }
}
