package dev.parley.accounts.control;

import dev.parley.platform.control.Refusal;
import dev.parley.platform.control.WaitingLine;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * PBKDF2-SHA256 at 600,000 iterations (OWASP 2023), through Jakarta Security's own hasher.
 * Hashing is slow on purpose, so it runs with bounded concurrency: a few hashes at a time, a
 * short line of callers waiting, and past that an immediate 503 with Retry-After. A login flood
 * therefore holds at most {@code hash-concurrency} cores and {@code hash-queue} request threads,
 * and everything else (REST, sockets, pings) keeps its share of the machine.
 * <p>
 * Not MicroProfile Fault Tolerance's {@code @Bulkhead}: its synchronous form has no queue (a
 * burst of eight sign-ups would see seven refusals), and Payara runs its asynchronous form by
 * parking every waiting call on the default managed executor, which 200 logins exhausted.
 */
@ApplicationScoped
public class Passwords {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    @Inject
    Pbkdf2PasswordHash hasher;

    /** Hashes at once; 0 means half the processors, at least one. */
    @Inject
    @ConfigProperty(name = "parley.auth.hash-concurrency", defaultValue = "0")
    int concurrency;

    @Inject
    @ConfigProperty(name = "parley.auth.hash-queue", defaultValue = "16")
    int queue;

    @Inject
    @ConfigProperty(name = "parley.auth.hash-wait", defaultValue = "PT5S")
    Duration maxWait;

    WaitingLine line;

    /** Verified when the user is unknown, so that both failures cost the same time. */
    private String decoy;

    @PostConstruct
    void init() {
        line = new WaitingLine(
                concurrency > 0 ? concurrency : Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                queue,
                maxWait);
        hasher.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", "600000",
                "Pbkdf2PasswordHash.SaltSizeBytes", "16",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
        decoy = hasher.generate("decoy-password".toCharArray());
    }

    public String hash(String password) {
        requireBounded(password);
        return line.run(() -> hasher.generate(password.toCharArray()));
    }

    /** Checks a password against a stored hash, or against the decoy when there is none. */
    public boolean matches(String password, String storedHash) {
        requireBounded(password);
        boolean ok = line.run(() -> hasher.verify(password.toCharArray(), storedHash == null ? decoy : storedHash));
        return ok && storedHash != null;
    }

    // the hash's cost grows with the input: a 10 KB password must never reach it
    private static void requireBounded(String password) {
        if (password == null || password.length() > MAX_LENGTH) {
            throw Refusal.invalid("password", "must be at most " + MAX_LENGTH + " characters");
        }
    }
}
