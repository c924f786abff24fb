package dev.parley.accounts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A device proof vouches for the device it was issued to, as the user it signed in as, and nothing else. */
class DeviceProofsTest {

    final DeviceProofs proofs = DeviceProofs.keyedWith("a signing key".getBytes(StandardCharsets.UTF_8));

    @Test
    void aProofNamesItsDeviceForItsUserInAnyCase() {
        String proof = proofs.issue("Alice");
        Optional<String> device = proofs.deviceOf(proof, "alice");
        assertTrue(device.isPresent());
        assertEquals(proof.substring(0, proof.indexOf('.')), device.get());
        assertEquals(device, proofs.deviceOf(proof, "ALICE"));
        assertNotEquals(proof, proofs.issue("alice"), "each login's device is new");
    }

    @Test
    void anotherUsersForgedOrMalformedProofVouchesForNothing() {
        String proof = proofs.issue("alice");
        String id = proof.substring(0, proof.indexOf('.'));
        assertEquals(Optional.empty(), proofs.deviceOf(proof, "bob"));
        assertEquals(Optional.empty(), proofs.deviceOf("other" + proof, "alice"));
        assertEquals(Optional.empty(), proofs.deviceOf(id + ".AAAA", "alice"));
        assertEquals(Optional.empty(), proofs.deviceOf(id, "alice"));
        assertEquals(Optional.empty(), proofs.deviceOf(".", "alice"));
        assertEquals(Optional.empty(), proofs.deviceOf(null, "alice"));
        DeviceProofs elsewhere = DeviceProofs.keyedWith("another key".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), elsewhere.deviceOf(proof, "alice"), "a server with another key");
    }
}
