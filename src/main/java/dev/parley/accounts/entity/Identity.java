package dev.parley.accounts.entity;

import java.security.Principal;
import java.time.Instant;

/** Who a verified token says the caller is, which token said so (its jti), and until when. */
public record Identity(String username, String tokenId, Instant expiresAt) implements Principal {

    /** The group every Parley token carries, and MP-JWT maps to the role REST requires. */
    public static final String USER_GROUP = "user";

    @Override
    public String getName() {
        return username;
    }
}
