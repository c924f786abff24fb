package dev.parley.messages.entity;

/** What a client asks to send, before any check. */
public record Draft(String content, String clientId, String messageType) {}
