package dev.parley.messages.entity;

/** A message's content changed; observed after commit. */
public record MessageEdited(ChatMessage message) {}
