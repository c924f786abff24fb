package dev.parley.rooms.entity;

/** A room the caller may see, with the caller's membership (null for a public room they are not in). */
public record Visible(Room room, Membership membership) {

    public boolean isMember() {
        return membership != null;
    }
}
