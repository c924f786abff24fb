package dev.parley.rooms.entity;

/** A room as the wire shows it, seen by one caller. */
public record RoomSummary(
        long id,
        String name,
        String topic,
        String visibility,
        long ownerId,
        boolean member,
        long memberCount,
        long lastSeq,
        long unread,
        boolean assistant) {

    public static RoomSummary of(Room room, Membership membership, long memberCount) {
        boolean member = membership != null;
        return new RoomSummary(
                room.id(),
                room.name(),
                room.topic(),
                room.visibility().wire(),
                room.ownerId(),
                member,
                memberCount,
                room.lastSeq(),
                member ? membership.unreadUpTo(room.lastSeq()) : 0,
                room.assistant());
    }
}
