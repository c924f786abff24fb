package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;

/** A user's connections in a room on this node changed; {@code online} null: none left here. For the other nodes. */
public record LocalPresence(long roomId, String username, ServerFrame.Online online) {}
