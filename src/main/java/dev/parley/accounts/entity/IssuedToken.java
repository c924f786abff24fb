package dev.parley.accounts.entity;

import java.time.Instant;

/**
 * The answer to login and refresh. A login's answer also carries the device proof that the client
 * keeps and sends with its next login ({@code DeviceProofs}); a refresh's carries none.
 */
public record IssuedToken(String token, String tokenType, Instant expiresAt, Profile user, String device) {

    public IssuedToken(String token, Instant expiresAt, Profile user) {
        this(token, "Bearer", expiresAt, user, null);
    }

    public IssuedToken withDevice(String proof) {
        return new IssuedToken(token, tokenType, expiresAt, user, proof);
    }
}
