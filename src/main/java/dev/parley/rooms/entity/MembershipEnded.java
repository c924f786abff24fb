package dev.parley.rooms.entity;

/** Someone is no longer a member of a room; observed after commit. */
public record MembershipEnded(long roomId, String username) {
}
