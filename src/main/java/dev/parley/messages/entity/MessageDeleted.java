package dev.parley.messages.entity;

/** A message became a tombstone; observed after commit. */
public record MessageDeleted(long roomId, long seq, long id) {}
