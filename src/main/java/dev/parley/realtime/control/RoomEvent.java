package dev.parley.realtime.control;

/**
 * A committed change on its way from the transaction to live clients: what the one after-commit
 * exit hands over, and what a cluster would carry between nodes. Frames are encoded once, where
 * the change is announced.
 */
public sealed interface RoomEvent {

    long roomId();

    /** A new message: released to subscribers in seq order, gaps filled from the database. */
    record Posted(long roomId, long seq, EncodedFrame frame) implements RoomEvent {}

    /** Anything else the room's subscribers see: an edit, a delete, a read marker. */
    record Changed(long roomId, EncodedFrame frame) implements RoomEvent {}

    /** Someone is typing: to the room's subscribers except that user's connections; never stored. */
    record Typing(long roomId, EncodedFrame frame, String username) implements RoomEvent {}

    /** A user became a member: their /ws/chat connections hear room_added, and may follow it from {@code since}. */
    record Joined(long roomId, String username, long since) implements RoomEvent {}

    /** A user is no longer a member, or the room is gone: every connection of theirs stops following it. */
    record Left(long roomId, String username, boolean roomDeleted) implements RoomEvent {}
}
