package dev.parley.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.accounts.control.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {

    @TempDir
    Path dir;

    @Test
    void aKeyIsCreatedOnceAndReusedAfter() throws Exception {
        String previous = System.getProperty("parley.data.dir");
        System.setProperty("parley.data.dir", dir.toString());
        try {
            SigningKey first = SigningKey.current().orElseThrow();
            Path file = dir.resolve("keys/jwt-signing-key.pem");
            assertTrue(Files.exists(file));
            assertEquals(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(file),
                    "only the owner reads the private key");
            SigningKey again = SigningKey.current().orElseThrow();
            assertEquals(first.publicKey(), again.publicKey(), "a restart reuses the key");
            assertTrue(first.publicKeyPem().startsWith("-----BEGIN PUBLIC KEY-----\n"));

            Files.delete(file);
            assertNotEquals(
                    first.publicKey(), SigningKey.current().orElseThrow().publicKey());
        } finally {
            restore(previous);
        }
    }

    @Test
    void aBrokenKeyFileIsAClearError() throws Exception {
        String previous = System.getProperty("parley.data.dir");
        System.setProperty("parley.data.dir", dir.toString());
        try {
            Files.createDirectories(dir.resolve("keys"));
            Files.writeString(
                    dir.resolve("keys/jwt-signing-key.pem"),
                    "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n");
            IllegalStateException error = assertThrows(IllegalStateException.class, SigningKey::current);
            assertTrue(error.getMessage().contains("not an RSA PKCS#8 PEM key"), error.getMessage());
        } finally {
            restore(previous);
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty("parley.data.dir");
        } else {
            System.setProperty("parley.data.dir", previous);
        }
    }
}
