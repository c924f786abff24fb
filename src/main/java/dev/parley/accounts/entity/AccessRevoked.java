package dev.parley.accounts.entity;

/**
 * A user's access ended, after commit: every connection of theirs, or only those opened with
 * one token ({@code tokenId}, else null), must close with {@code reason}.
 */
public record AccessRevoked(String username, String tokenId, String reason) {}
