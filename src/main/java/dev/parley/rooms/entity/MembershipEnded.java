package dev.parley.rooms.entity;

/** Someone is no longer a member of a room, or the room itself is gone ({@code roomDeleted}); observed after commit. */
public record MembershipEnded(long roomId, String username, boolean roomDeleted) {

    public MembershipEnded(long roomId, String username) {
        this(roomId, username, false);
    }
}
