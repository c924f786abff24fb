package dev.parley.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.cluster.control.SharedLimits;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Login and registration attempts are limited per client address and per username, before any hash. */
class RateLimitsTest {

    final RateLimits limits = new RateLimits();

    RateLimitsTest() {
        limits.authAddressCapacity = 5;
        limits.authAddressPerSecond = 0.001;
        limits.authUserCapacity = 3;
        limits.authUserPerSecond = 0.001;
        // one node: no shared buckets, the local ones apply
        limits.shared = new SharedLimits() {
            @Override
            public Optional<Long> token(String name, String key, double capacity, double perSecond) {
                return Optional.empty();
            }

            @Override
            public Optional<Long> giveBack(String name, String key, double capacity, double perSecond) {
                return Optional.empty();
            }
        };
    }

    @Test
    void oneUsernameIsLimitedWhateverItsCase() {
        limits.takeAuthFor("alice");
        limits.takeAuthFor("Alice");
        limits.takeAuthFor("ALICE");
        Refusal refusal = assertThrows(Refusal.class, () -> limits.takeAuthFor("alice"));
        assertEquals(429, refusal.status());
        assertEquals("rate_limited", refusal.code());
        assertTrue(refusal.retryAfterSeconds() >= 1, "with a Retry-After");
        limits.takeAuthFor("bob");
    }

    @Test
    void onlyTheAttemptsThatFailCountForAUsername() {
        for (int i = 0; i < 10; i++) {
            limits.takeAuthFor("carol");
            limits.succeededFor("Carol");
        }
        limits.takeAuthFor("carol");
        limits.takeAuthFor("carol");
        limits.takeAuthFor("carol");
        assertEquals(
                429,
                assertThrows(Refusal.class, () -> limits.takeAuthFor("carol")).status());
        // a success never lifts the bucket over its capacity
        limits.succeededFor("dave");
        limits.succeededFor("dave");
        limits.takeAuthFor("dave");
        limits.takeAuthFor("dave");
        limits.takeAuthFor("dave");
        assertThrows(Refusal.class, () -> limits.takeAuthFor("dave"));
    }

    @Test
    void oneAddressIsLimitedWhateverNamesItTries() {
        for (int i = 0; i < 5; i++) {
            limits.takeAuthAttempt("10.0.0.9");
        }
        assertEquals(
                429,
                assertThrows(Refusal.class, () -> limits.takeAuthAttempt("10.0.0.9"))
                        .status());
        limits.takeAuthAttempt("10.0.0.10");
    }
}
