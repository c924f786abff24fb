package dev.parley.accounts.entity;

import java.security.Principal;
import java.time.Instant;

/** Who a verified token says the caller is, and until when. */
public record Identity(String username, Instant expiresAt) implements Principal {

    @Override
    public String getName() {
        return username;
    }
}
