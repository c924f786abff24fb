package dev.parley.messages.entity;

/** Fired by the one send path for every newly stored message; observed only after commit. */
public record MessagePosted(ChatMessage message) {}
