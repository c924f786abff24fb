package dev.parley.realtime.control;

/** What an outbox holds: an encoded frame, a ping, or the close that ends the queue. */
sealed interface Outgoing permits EncodedFrame, Outgoing.Ping, Outgoing.Close {

    /** What it counts against the outbox's byte bound. */
    default int size() {
        return 0;
    }

    /** A WebSocket ping (an SSE comment line): asks the peer to prove it still reads. */
    enum Ping implements Outgoing {
        PING
    }

    /** Closes the connection once everything queued before it is written: an error frame, then the close it explains. */
    record Close(int code, String reason) implements Outgoing {}
}
