package dev.parley.accounts.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device proofs, OWASP's "device cookies": a client that signed in as a user keeps one and sends
 * it with its next login as that user, and its attempts are then counted per device instead of
 * per username. Without them, a stranger failing logins for a name kept its owner out. A proof
 * is a random id and an HMAC of the id and the username under a key derived from the token signing
 * key, so every node that signs tokens checks it, and it is no JWT: it is never a bearer token.
 */
@ApplicationScoped
public class DeviceProofs {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private static final byte[] PURPOSE = "parley device proof v1".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random = new SecureRandom();

    @Inject
    Tokens tokens;

    private SecretKeySpec key;

    @PostConstruct
    void start() {
        key = tokens.signingKey()
                .map(signing -> derive(signing.privateKey().getEncoded()))
                .orElse(null);
    }

    /** Proofs keyed from {@code secret}, as {@link #start()} keys them from the signing key. */
    static DeviceProofs keyedWith(byte[] secret) {
        DeviceProofs proofs = new DeviceProofs();
        proofs.key = derive(secret);
        return proofs;
    }

    static SecretKeySpec derive(byte[] secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(PURPOSE);
            return new SecretKeySpec(sha.digest(secret), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A new proof for a device that just signed in as {@code username}. */
    public String issue(String username) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String idText = BASE64.encodeToString(id);
        return idText + "." + mac(idText, username);
    }

    /** The proof's device id when it was issued for this username, whatever its case; else empty. */
    public Optional<String> deviceOf(String proof, String username) {
        int dot = proof == null ? -1 : proof.indexOf('.');
        if (key == null || dot <= 0) {
            return Optional.empty();
        }
        String id = proof.substring(0, dot);
        byte[] given = proof.substring(dot + 1).getBytes(StandardCharsets.UTF_8);
        byte[] expected = mac(id, username).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected) ? Optional.of(id) : Optional.empty();
    }

    private String mac(String id, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(id.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return BASE64.encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
