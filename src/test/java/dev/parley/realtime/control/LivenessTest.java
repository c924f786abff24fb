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
        // 40 s pings, 60 s idle: two ticks (16 s) must stay, so at most 4 s of stretch, not 10
        long ping = Duration.ofSeconds(40).toNanos();
        long longest = 0;
        for (int i = 0; i < 2_000; i++) {
            long interval = Liveness.stretched(ping, IDLE, UUID.randomUUID().toString());
            assertTrue(interval >= ping, "interval " + interval);
            longest = Math.max(longest, interval);
        }
        assertTrue(longest <= ping + Duration.ofSeconds(4).toNanos(), "longest " + longest);
        assertTrue(longest > ping + Duration.ofSeconds(3).toNanos(), "still spread: longest " + longest);
        // no room left at all: the plain interval
        long fifty = Duration.ofSeconds(50).toNanos();
        assertEquals(fifty, Liveness.stretched(fifty, IDLE, UUID.randomUUID().toString()));
    }
}
