package dev.parley.realtime.control;

import java.util.List;
import java.util.function.Consumer;

/** How a connection's frames leave: a WebSocket session or an SSE stream. */
public interface Transport {

    /** Writes one encoded frame; {@code done} gets null on success or the failure. */
    void send(EncodedFrame frame, Consumer<Throwable> done);

    /**
     * Whether {@link #sendTogether} may carry several queued frames in one write: a connection
     * that fell behind then catches up with one write, not one each.
     */
    default boolean writesTogether() {
        return false;
    }

    /** Writes several frames, in order, as one write; only where {@link #writesTogether()}. */
    default void sendTogether(List<EncodedFrame> frames, Consumer<Throwable> done) {
        throw new UnsupportedOperationException("one frame per write");
    }

    /**
     * Writes one frame and returns once it is written: used for a connection's very first
     * frame, which must be out before any write from another thread can start.
     */
    void sendNow(EncodedFrame frame) throws Exception;

    /** A liveness probe: a WebSocket ping, or an SSE comment line. */
    void ping(Consumer<Throwable> done);

    void close(int code, String reason);

    /** Closes with no write in flight, so the close may follow the writes down the same path. */
    default void closeAfterWrites(int code, String reason) {
        close(code, reason);
    }

    /** Whether the peer answers pings, so that its silence means it is gone. */
    boolean hearsBack();
}
