package dev.parley.accounts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.platform.control.Refusal;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hashing runs a bounded number at a time, with a bounded line behind it; past that: 503 at once. */
class PasswordsTest {

    /** A hasher that holds every hash until the test lets it go, and counts how many run at once. */
    static final class HeldHasher implements Pbkdf2PasswordHash {
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        volatile boolean holding;

        @Override
        public void initialize(Map<String, String> parameters) {}

        @Override
        public String generate(char[] password) {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
                if (holding) {
                    go.await(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return "hash:" + new String(password);
        }

        @Override
        public boolean verify(char[] password, String hashedPassword) {
            return generate(password).equals(hashedPassword);
        }
    }

    final HeldHasher hasher = new HeldHasher();
    final Passwords passwords = new Passwords();

    PasswordsTest() {
        passwords.hasher = hasher;
        passwords.concurrency = 1;
        passwords.queue = 1;
        passwords.maxWait = Duration.ofSeconds(10);
        passwords.init();
        hasher.holding = true;
    }

    @Test
    void oneHashesOneWaitsAndTheNextIsTurnedAwayAtOnce() throws Exception {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> passwords.hash("first password"));
        await(() -> hasher.running.get() == 1);
        CompletableFuture<Boolean> second =
                CompletableFuture.supplyAsync(() -> passwords.matches("first password", "hash:first password"));
        await(() -> second.isDone() || passwords.line.waiting() == 1);

        Refusal busy = assertThrows(Refusal.class, () -> passwords.hash("third password"));
        assertEquals(503, busy.status());
        assertEquals("busy", busy.code());
        assertEquals(1, busy.retryAfterSeconds());

        hasher.go.countDown();
        assertEquals("hash:first password", first.get(10, TimeUnit.SECONDS));
        assertTrue(second.get(10, TimeUnit.SECONDS));
        assertEquals(1, hasher.most.get(), "never two hashes at once");
    }

    @Test
    void anUnknownUserCostsAHashToo() {
        hasher.go.countDown();
        int before = hasher.most.get();
        assertEquals(false, passwords.matches("any password", null));
        assertTrue(hasher.most.get() >= Math.max(1, before), "the decoy was checked");
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(condition);
    }
}
