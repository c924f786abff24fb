package dev.parley.rooms.entity;

/**
 * Someone became a member of a room (created it, joined, was added, wrote first in a direct
 * room); observed after commit. {@code since} is the room's last seq when it happened: live
 * clients follow the room from there, so nothing committed in between is missed.
 */
public record MembershipStarted(long roomId, String username, long since) {}
