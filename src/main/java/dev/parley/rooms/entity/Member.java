package dev.parley.rooms.entity;

import java.time.Instant;

/** A room member as the wire shows it. */
public record Member(long id, String username, String displayName, String role, long lastReadSeq, Instant joinedAt) {}
