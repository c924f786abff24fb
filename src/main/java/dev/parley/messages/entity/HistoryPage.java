package dev.parley.messages.entity;

import java.util.List;

/** One page of history, ascending by seq; hasMore looks beyond the page in the direction it was read. */
public record HistoryPage(List<ChatMessage> messages, boolean hasMore) {}
