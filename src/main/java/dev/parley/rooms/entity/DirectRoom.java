package dev.parley.rooms.entity;

import dev.parley.accounts.entity.Profile;

/** One of the caller's direct rooms: who is on the other side, and what is unread. */
public record DirectRoom(long roomId, Profile user, long lastSeq, long unread) {}
