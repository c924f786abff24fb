package dev.parley.messages.entity;

/** What a send returns: the stored message, and whether it was a repeat of an earlier client_id. */
public record Posted(ChatMessage message, boolean duplicate) {}
