package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A chat socket following one room: it checks every message's seq, records its latency, and,
 * when it also sends, turns the server's acks into confirmations. Runs on its event loop.
 */
final class Subscriber implements FrameListener {

    private static final byte[] CLIENT_ID = "\"client_id\":\"c".getBytes(StandardCharsets.US_ASCII);

    final SeqTracker seqs = new SeqTracker();
    private final Deliveries deliveries;
    private final Sends sends;
    private final int room;
    private volatile int messageBytes;

    /**
     * @param deliveries where its messages count, or null for a socket that only sends
     * @param sends where its acks count, or null for a socket that does not send
     * @param room the room's index in {@code sends}
     */
    Subscriber(Deliveries deliveries, Sends sends, int room) {
        this.deliveries = deliveries;
        this.sends = sends;
        this.room = room;
    }

    int room() {
        return room;
    }

    /** The size of the last message frame this socket received, in bytes. */
    int messageBytes() {
        return messageBytes;
    }

    @Override
    public void onText(WsSocket socket, ByteBuf frame) {
        switch (Frames.type(frame)) {
            case MESSAGE -> {
                messageBytes = frame.readableBytes();
                if (deliveries != null) {
                    long now = BenchClock.now();
                    seqs.accept(Frames.number(frame, Frames.SEQ));
                    long scheduled = Frames.scheduled(frame);
                    if (scheduled >= 0) {
                        deliveries.delivered(scheduled, now);
                    }
                }
            }
            case ACK -> {
                if (sends != null) {
                    sends.acked(
                            room, Frames.number(frame, Frames.SEQ), Frames.number(frame, CLIENT_ID), BenchClock.now());
                }
            }
            case SUBSCRIBED -> seqs.reset(Math.max(0, Frames.number(frame, Frames.LAST_SEQ)));
            case ERROR -> {
                String code = Frames.text(frame, Frames.CODE);
                if (deliveries != null) {
                    deliveries.error(code);
                }
                if (sends != null) {
                    sends.failed("error frame " + frame.toString(StandardCharsets.UTF_8));
                }
            }
            default -> {
                // presence, typing and the like: not measured
            }
        }
    }

    @Override
    public void onClose(WsSocket socket, int code, boolean byBench) {
        if (!byBench && deliveries != null) {
            deliveries.unexpectedClose(code);
        }
    }
}
