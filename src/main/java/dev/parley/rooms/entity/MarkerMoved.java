package dev.parley.rooms.entity;

/** A member's read marker moved forward; observed after commit. */
public record MarkerMoved(long roomId, String username, long seq) {}
