package dev.parley.cluster.control;

import dev.parley.realtime.control.EncodedFrame;
import dev.parley.realtime.control.RoomEvent;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Optional;

/**
 * What one node tells the others on the Redis channel: a committed room event or a typing
 * frame, with the node it came from so that the sender can skip its own. The frame's text
 * travels as it was encoded, so each node writes it without encoding it again.
 */
record BusNote(
        String node,
        String kind,
        long room,
        long seq,
        String user,
        String text,
        String type,
        long eventId,
        boolean droppable) {

    // the provider found once: Json.create* would search the class path for it on every call
    private static final JsonProvider JSON = JsonProvider.provider();

    static BusNote of(String node, RoomEvent event) {
        if (event instanceof RoomEvent.Posted p) {
            return framed(node, "posted", p.roomId(), p.seq(), null, p.frame());
        } else if (event instanceof RoomEvent.Changed c) {
            return framed(node, "changed", c.roomId(), 0, null, c.frame());
        } else if (event instanceof RoomEvent.Typing t) {
            return framed(node, "typing", t.roomId(), 0, t.username(), t.frame());
        } else if (event instanceof RoomEvent.Joined j) {
            return new BusNote(node, "joined", j.roomId(), j.since(), j.username(), null, null, 0, false);
        }
        RoomEvent.Left l = (RoomEvent.Left) event;
        // a deleted room is a kind of its own: its one-room sockets close with 4004, not 4003
        return new BusNote(
                node, l.roomDeleted() ? "deleted" : "left", l.roomId(), 0, l.username(), null, null, 0, false);
    }

    private static BusNote framed(String node, String kind, long room, long seq, String user, EncodedFrame frame) {
        return new BusNote(node, kind, room, seq, user, frame.text(), frame.type(), frame.eventId(), frame.droppable());
    }

    /** The room event this note carries; empty for a kind this node does not know (a newer node's). */
    Optional<RoomEvent> event() {
        EncodedFrame frame = text == null ? null : new EncodedFrame(text, type, eventId, droppable);
        return Optional.ofNullable(
                switch (kind) {
                    case "posted" -> new RoomEvent.Posted(room, seq, frame);
                    case "changed" -> new RoomEvent.Changed(room, frame);
                    case "typing" -> new RoomEvent.Typing(room, frame, user);
                    case "joined" -> new RoomEvent.Joined(room, user, seq);
                    case "left" -> new RoomEvent.Left(room, user, false);
                    case "deleted" -> new RoomEvent.Left(room, user, true);
                    default -> null;
                });
    }

    String json() {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("node", node)
                .add("kind", kind)
                .add("room", room)
                .add("seq", seq);
        if (user != null) {
            b.add("user", user);
        }
        if (text != null) {
            b.add("text", text).add("type", type).add("event_id", eventId).add("droppable", droppable);
        }
        return b.build().toString();
    }

    static BusNote parse(String json) {
        try (var reader = JSON.createReader(new StringReader(json))) {
            JsonObject o = reader.readObject();
            return new BusNote(
                    o.getString("node"),
                    o.getString("kind"),
                    o.getJsonNumber("room").longValue(),
                    o.getJsonNumber("seq").longValue(),
                    o.getString("user", null),
                    o.getString("text", null),
                    o.getString("type", null),
                    o.containsKey("event_id") ? o.getJsonNumber("event_id").longValue() : 0,
                    o.getBoolean("droppable", false));
        }
    }
}
