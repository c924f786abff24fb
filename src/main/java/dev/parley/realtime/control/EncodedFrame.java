package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;

/**
 * A frame encoded once, as every connection will write it: its JSON text, and from the typed
 * frame what a transport or an outbox needs to know without reading the text again.
 * {@code committedNanos} is when the message the frame carries live was committed on this node,
 * or arrived from the node that committed it ({@link System#nanoTime()}): deliveries and the
 * commit-to-write latency count these frames; 0 for every other frame, replays included.
 */
public record EncodedFrame(String text, String type, long eventId, boolean droppable, long committedNanos)
        implements Outgoing {

    public EncodedFrame(String text, String type, long eventId, boolean droppable) {
        this(text, type, eventId, droppable, 0);
    }

    public static EncodedFrame of(ServerFrame frame) {
        return new EncodedFrame(FrameCodec.encode(frame), frame.type(), frame.eventId(), frame.droppable());
    }

    /** This frame, as a message committed (or heard from another node) just now, to be delivered live. */
    public EncodedFrame live() {
        return new EncodedFrame(text, type, eventId, droppable, System.nanoTime());
    }

    @Override
    public int size() {
        return text.length();
    }
}
