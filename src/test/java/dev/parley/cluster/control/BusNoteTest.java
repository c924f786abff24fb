package dev.parley.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.realtime.control.EncodedFrame;
import dev.parley.realtime.control.RoomEvent;
import dev.parley.realtime.entity.ServerFrame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What one node publishes, another reads back as the same event, frame text and all. */
class BusNoteTest {

    private static final EncodedFrame FRAME =
            new EncodedFrame("{\"type\":\"message\",\"content\":\"h\\u00e9 \\\"quoted\\\"\"}", "message", 42, false);

    @Test
    void everyKindOfRoomEventCrossesUnchanged() {
        List<RoomEvent> events = List.of(
                new RoomEvent.Posted(8, 42, FRAME),
                new RoomEvent.Changed(8, new EncodedFrame("{\"type\":\"read\"}", "read", 0, false)),
                new RoomEvent.Typing(8, new EncodedFrame("{\"type\":\"typing\"}", "typing", 0, true), "bob"),
                new RoomEvent.Joined(8, "carol", 17),
                new RoomEvent.Left(8, "dave", false),
                new RoomEvent.Left(8, "erin", true));
        for (RoomEvent event : events) {
            BusNote note = BusNote.parse(BusNote.of("node-1", event).json());
            assertEquals("node-1", note.node());
            assertEquals(event, note.event().orElseThrow(), note::toString);
        }
    }

    @Test
    void aKindFromANewerNodeIsSkipped() {
        BusNote note = BusNote.parse("{\"node\":\"n\",\"kind\":\"something-new\",\"room\":1,\"seq\":0}");
        assertTrue(note.event().isEmpty());
    }

    @Test
    void presenceChangesAndSnapshotsCrossUnchanged() {
        var online = new ServerFrame.Online("bob", "Bob B.", 2);
        PresenceNote change =
                PresenceNote.parse(PresenceNote.change("n", 8, "bob", online).json());
        assertEquals(Map.of(8L, Map.of("bob", online)), change.rooms());
        PresenceNote gone =
                PresenceNote.parse(PresenceNote.change("n", 8, "bob", null).json());
        assertEquals(Map.of(), gone.rooms(), "no connections left: not present");
        PresenceNote snapshot = PresenceNote.parse(PresenceNote.snapshot(
                        "n",
                        Map.of(8L, Map.of("bob", online), 9L, Map.of("amy", new ServerFrame.Online("amy", "amy", 1))))
                .json());
        assertTrue(snapshot.snapshot());
        assertEquals(
                Map.of(8L, Map.of("bob", online), 9L, Map.of("amy", new ServerFrame.Online("amy", "amy", 1))),
                snapshot.rooms());
    }
}
