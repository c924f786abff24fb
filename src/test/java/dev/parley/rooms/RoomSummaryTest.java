package dev.parley.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.rooms.entity.Membership;
import dev.parley.rooms.entity.Room;
import dev.parley.rooms.entity.Visibility;
import org.junit.jupiter.api.Test;

class RoomSummaryTest {

    @Test
    void unreadIsWhatLiesPastTheMarker() {
        Room room = new Room("r", null, Visibility.PUBLIC, 1);
        for (int i = 0; i < 7; i++) {
            room.nextSeq();
        }
        assertEquals(7, room.lastSeq());
        Membership membership = new Membership(1, 2, 3);
        assertEquals(4, membership.unreadUpTo(room.lastSeq()));
        membership.markRead(7);
        assertEquals(0, membership.unreadUpTo(room.lastSeq()));
    }

    @Test
    void markersOnlyMoveForward() {
        Membership membership = new Membership(1, 2, 5);
        assertFalse(membership.markRead(3));
        assertFalse(membership.markRead(5));
        assertEquals(5, membership.lastReadSeq());
        assertTrue(membership.markRead(9));
        assertEquals(9, membership.lastReadSeq());
    }

    @Test
    void visibilityReadsOnlyItsWireNames() {
        assertEquals(Visibility.PRIVATE, Visibility.fromWire("private").orElseThrow());
        assertTrue(Visibility.fromWire("PRIVATE").isEmpty());
        assertTrue(Visibility.fromWire("secret").isEmpty());
    }
}
