package dev.parley.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Login and registration attempts are limited per client address and per username, before any hash. */
class RateLimitsTest {

    final RateLimits limits = new RateLimits();

    RateLimitsTest() {
        limits.authAddressCapacity = 5;
        limits.authAddressPerSecond = 0.001;
        limits.authUserCapacity = 3;
        limits.authUserPerSecond = 0.001;
    }

    @Test
    void oneUsernameIsLimitedWhateverItsCase() {
        limits.takeAuth("10.0.0.1", "alice");
        limits.takeAuth("10.0.0.2", "Alice");
        limits.takeAuth("10.0.0.3", "ALICE");
        Refusal refusal = assertThrows(Refusal.class, () -> limits.takeAuth("10.0.0.4", "alice"));
        assertEquals(429, refusal.status());
        assertEquals("rate_limited", refusal.code());
        assertTrue(refusal.retryAfterSeconds() >= 1, "with a Retry-After");
        limits.takeAuth("10.0.0.4", "bob");
    }

    @Test
    void oneAddressIsLimitedWhateverNamesItTries() {
        for (int i = 0; i < 5; i++) {
            limits.takeAuth("10.0.0.9", "name" + i);
        }
        assertEquals(429, assertThrows(Refusal.class, () -> limits.takeAuth("10.0.0.9", "fresh")).status());
        limits.takeAuth("10.0.0.10", "fresh");
    }
}
