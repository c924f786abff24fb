package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;

/**
 * A frame encoded once, as every connection will write it: its JSON text, and from the typed
 * frame what a transport or an outbox needs to know without reading the text again.
 */
public record EncodedFrame(String text, String type, long eventId, boolean droppable) implements Outgoing {

    public static EncodedFrame of(ServerFrame frame) {
        return new EncodedFrame(FrameCodec.encode(frame), frame.type(), frame.eventId(), frame.droppable());
    }

    @Override
    public int size() {
        return text.length();
    }
}
