package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PresencePaceTest {

    final AtomicInteger allowance = new AtomicInteger();
    final PresencePace pace = new PresencePace(user -> allowance.getAndDecrement() > 0);
    final Set<String> present = new HashSet<>();

    @Test
    void changesWithinTheAllowanceAreAnnouncedAtOnce() {
        allowance.set(2);
        assertTrue(pace.announceNow("bob", true));
        assertTrue(pace.announceNow("bob", false));
        assertFalse(pace.unsettled());
    }

    @Test
    void pastTheAllowanceTheUserSettlesWhereTheyAreOnce() {
        allowance.set(1);
        assertTrue(pace.announceNow("bob", true));
        // heard: present; then a leave, a join and a leave go unannounced
        assertFalse(pace.announceNow("bob", false));
        assertFalse(pace.announceNow("bob", true));
        assertFalse(pace.announceNow("bob", false));
        assertTrue(pace.unsettled());

        assertEquals(List.of(), pace.settle(present::contains), "no allowance yet");
        assertTrue(pace.unsettled());
        allowance.set(5);
        assertEquals(List.of("bob"), pace.settle(present::contains), "announced gone, once");
        assertFalse(pace.unsettled());
        assertEquals(4, allowance.get());
    }

    @Test
    void aUserBackWhereTheRoomLastHeardThemSettlesWithoutAnnouncement() {
        allowance.set(1);
        assertTrue(pace.announceNow("bob", true));
        present.add("bob");
        assertFalse(pace.announceNow("bob", false));
        assertFalse(pace.announceNow("bob", true));

        allowance.set(5);
        assertEquals(List.of(), pace.settle(present::contains));
        assertFalse(pace.unsettled());
        assertEquals(5, allowance.get(), "nothing announced, nothing spent");
    }

    @Test
    void oneUsersFlappingLeavesOthersAnnouncedAtOnce() {
        PresencePace perUser = new PresencePace("alice"::equals);
        assertFalse(perUser.announceNow("bob", true));
        assertTrue(perUser.announceNow("alice", true));
        assertTrue(perUser.unsettled());
    }
}
