package dev.parley.accounts.entity;

import java.time.Instant;

/** The answer to login and refresh. */
public record IssuedToken(String token, String tokenType, Instant expiresAt, Profile user) {

    public IssuedToken(String token, Instant expiresAt, Profile user) {
        this(token, "Bearer", expiresAt, user);
    }
}
