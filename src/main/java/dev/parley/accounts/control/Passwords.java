package dev.parley.accounts.control;

import dev.parley.platform.control.Refusal;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;

/** PBKDF2-SHA256 at 600,000 iterations (OWASP 2023), through Jakarta Security's own hasher. */
@ApplicationScoped
public class Passwords {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    @Inject
    Pbkdf2PasswordHash hasher;

    /** Verified when the user is unknown, so that both failures cost the same time. */
    private String decoy;

    @PostConstruct
    void init() {
        hasher.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", "600000",
                "Pbkdf2PasswordHash.SaltSizeBytes", "16",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
        decoy = hasher.generate("decoy-password".toCharArray());
    }

    public String hash(String password) {
        requireBounded(password);
        return hasher.generate(password.toCharArray());
    }

    /** Checks a password against a stored hash, or against the decoy when there is none. */
    public boolean matches(String password, String storedHash) {
        requireBounded(password);
        boolean ok = hasher.verify(password.toCharArray(), storedHash == null ? decoy : storedHash);
        return ok && storedHash != null;
    }

    // the hash's cost grows with the input: a 10 KB password must never reach it
    private static void requireBounded(String password) {
        if (password == null || password.length() > MAX_LENGTH) {
            throw Refusal.invalid("password", "must be at most " + MAX_LENGTH + " characters");
        }
    }
}
