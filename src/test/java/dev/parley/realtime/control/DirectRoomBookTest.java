package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.accounts.entity.User;
import dev.parley.rooms.control.Rooms;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectRoomBookTest {

    /** Answers each read with the next list, and may do something while the read is under way. */
    static class ScriptedRooms extends Rooms {
        final Deque<List<Long>> answers = new ArrayDeque<>();
        Runnable duringRead = () -> {};
        int reads;

        @Override
        public List<Long> directIdsOf(User user) {
            reads++;
            duringRead.run();
            return answers.removeFirst();
        }
    }

    final User alice = new User("Alice", "Alice", "hash");
    final ScriptedRooms rooms = new ScriptedRooms();
    final DirectRoomBook book = new DirectRoomBook();

    @BeforeEach
    void wire() {
        book.rooms = rooms;
    }

    @Test
    void aUsersRoomsAreReadOnceThenRemembered() {
        rooms.answers.add(List.of(7L, 9L));
        assertEquals(List.of(7L, 9L), book.roomIdsOf(alice));
        assertEquals(List.of(7L, 9L), book.roomIdsOf(alice));
        assertEquals(1, rooms.reads);
    }

    @Test
    void aMembershipChangeOfTheUserInAnyCaseMakesTheNextHandshakeReadAgain() {
        rooms.answers.add(List.of());
        rooms.answers.add(List.of(12L));
        assertEquals(List.of(), book.roomIdsOf(alice));
        book.forget("alice");
        assertEquals(List.of(12L), book.roomIdsOf(alice));
        assertEquals(2, rooms.reads);
    }

    @Test
    void aReadThatAChangeOvertookIsUsedOnceButNotRemembered() {
        // the read began before the new room committed: its answer may lack the room
        rooms.answers.add(List.of());
        rooms.answers.add(List.of(12L));
        rooms.duringRead = () -> book.forget("alice");
        assertEquals(List.of(), book.roomIdsOf(alice));
        rooms.duringRead = () -> {};
        assertEquals(List.of(12L), book.roomIdsOf(alice));
        assertEquals(List.of(12L), book.roomIdsOf(alice));
        assertEquals(2, rooms.reads);
    }

    @Test
    void anotherUsersChangeLeavesTheEntryAlone() {
        rooms.answers.add(List.of(3L));
        book.roomIdsOf(alice);
        book.forget("bob");
        assertEquals(List.of(3L), book.roomIdsOf(alice));
        assertEquals(1, rooms.reads);
    }
}
