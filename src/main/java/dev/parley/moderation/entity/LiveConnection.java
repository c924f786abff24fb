package dev.parley.moderation.entity;

import java.time.Instant;
import java.util.List;

/** One open socket or stream of a user, as an admin sees it: never its token. */
public record LiveConnection(String id, String transport, List<Long> rooms, Instant tokenExpiresAt) {}
