package dev.parley.messages.entity;

import java.time.Instant;

/**
 * A committed message as every channel shows it: REST answers, history pages, socket and SSE
 * frames. {@code sender} is the username, {@code senderName} the display name. A deleted message
 * keeps its seq with no content. {@code replyTo} is the seq of the message this one answers
 * (the assistant's replies), null otherwise.
 */
public record ChatMessage(
        long id,
        long roomId,
        long seq,
        long senderId,
        String sender,
        String senderName,
        String content,
        String messageType,
        String clientId,
        Instant timestamp,
        Instant editedAt,
        boolean deleted,
        Long replyTo) {}
