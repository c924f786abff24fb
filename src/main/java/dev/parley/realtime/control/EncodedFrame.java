package dev.parley.realtime.control;

import dev.parley.realtime.entity.ServerFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A frame encoded once, as every connection will write it: its JSON text, and from the typed
 * frame what a transport or an outbox needs to know without reading the text again.
 * {@code committedNanos} is when the message the frame carries live was committed on this node,
 * or arrived from the node that committed it ({@link System#nanoTime()}): deliveries and the
 * commit-to-write latency count these frames; 0 for every other frame, replays included.
 * <p>
 * Not a record: it also keeps, once asked for, the whole WebSocket frame as it goes on the wire,
 * so that a broadcast to a thousand sockets encodes and frames its text once, not a thousand
 * times ({@link PreFramed}).
 */
public final class EncodedFrame implements Outgoing {

    private final String text;
    private final String type;
    private final long eventId;
    private final boolean droppable;
    private final long committedNanos;
    // the frame on the wire, made by the first connection that asks; a race makes it twice, alike
    private volatile byte[] wire;

    public EncodedFrame(String text, String type, long eventId, boolean droppable, long committedNanos) {
        this(text, type, eventId, droppable, committedNanos, null);
    }

    public EncodedFrame(String text, String type, long eventId, boolean droppable) {
        this(text, type, eventId, droppable, 0);
    }

    private EncodedFrame(String text, String type, long eventId, boolean droppable, long committedNanos, byte[] wire) {
        this.text = text;
        this.type = type;
        this.eventId = eventId;
        this.droppable = droppable;
        this.committedNanos = committedNanos;
        this.wire = wire;
    }

    public static EncodedFrame of(ServerFrame frame) {
        return new EncodedFrame(FrameCodec.encode(frame), frame.type(), frame.eventId(), frame.droppable());
    }

    /** This frame, as a message committed (or heard from another node) just now, to be delivered live. */
    public EncodedFrame live() {
        return new EncodedFrame(text, type, eventId, droppable, System.nanoTime(), wire);
    }

    public String text() {
        return text;
    }

    public String type() {
        return type;
    }

    public long eventId() {
        return eventId;
    }

    public boolean droppable() {
        return droppable;
    }

    public long committedNanos() {
        return committedNanos;
    }

    // a value, as the record it was: the wire form is derived from the text, so it is left out
    @Override
    public boolean equals(Object other) {
        return other instanceof EncodedFrame that
                && Objects.equals(text, that.text)
                && Objects.equals(type, that.type)
                && eventId == that.eventId
                && droppable == that.droppable
                && committedNanos == that.committedNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, type, eventId, droppable, committedNanos);
    }

    @Override
    public String toString() {
        // never the text: a message body must not reach a log
        return "EncodedFrame[type=" + type + ", eventId=" + eventId + ", droppable=" + droppable + "]";
    }

    @Override
    public int size() {
        return text.length();
    }

    /**
     * The whole server-to-client WebSocket text frame (final, unmasked, no extensions), as a
     * fresh view of bytes shared by every connection that writes it. The text is well-formed:
     * {@link FrameCodec} already replaced any unpaired surrogate.
     */
    public ByteBuffer wire() {
        byte[] bytes = wire;
        if (bytes == null) {
            bytes = textFrame(text);
            wire = bytes;
        }
        return ByteBuffer.wrap(bytes);
    }

    /** RFC 6455 §5.2: FIN and opcode 1, then the payload length in 7, 7+16 or 7+64 bits. */
    static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        frame.put((byte) 0x81);
        if (length < 126) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).array();
    }
}
