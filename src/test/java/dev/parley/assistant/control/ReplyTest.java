package dev.parley.assistant.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Whoever ends a reply first decides how: saved, failed or cancelled, never two of them. */
class ReplyTest {

    final List<String> announced = new ArrayList<>();
    final Reply.Chunks chunks = (index, delta) -> announced.add(index + ":" + delta);

    @Test
    void chunksAreNumberedInOrderAndTheFinishedTextIsTheirConcatenation() {
        Reply reply = new Reply(8, "s1", 42);
        reply.append("Hel", chunks);
        reply.append("lo", chunks);

        assertEquals("Hello", reply.finish());
        assertEquals(List.of("0:Hel", "1:lo"), announced);
        reply.append("late", chunks);
        assertEquals(2, announced.size(), "nothing after the finish");
        assertFalse(reply.cancel(), "a reply being saved is no longer cancelled");
        assertFalse(reply.end());
    }

    @Test
    void aCancelledReplyClosesItsConnectionAnnouncesNothingMoreAndIsNotSaved() {
        Reply reply = new Reply(8, "s1", 42);
        AtomicInteger closed = new AtomicInteger();
        reply.reading(closed::incrementAndGet);
        reply.append("Hel", chunks);

        assertTrue(reply.cancel());
        assertEquals(1, closed.get());
        reply.append("lo", chunks);
        assertEquals(List.of("0:Hel"), announced);
        assertNull(reply.finish(), "nothing to save");
        assertFalse(reply.end(), "a failure after the cancel says nothing more");
        assertFalse(reply.cancel(), "cancelled once");
        assertEquals(1, closed.get());
    }
}
