package dev.parley.accounts.entity;

import java.time.Instant;

/** A user as the wire shows it. */
public record Profile(long id, String username, String displayName, Instant createdAt) {}
