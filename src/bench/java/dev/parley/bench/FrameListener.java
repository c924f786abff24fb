package dev.parley.bench;

import io.netty.buffer.ByteBuf;

/** What a scenario does with a socket's frames; called on the socket's event loop, so keep it cheap. */
interface FrameListener {

    /** A text frame; the buffer is only valid during the call. */
    void onText(WsSocket socket, ByteBuf frame);

    /** The connection ended: the close code (1006 without a close frame), and whether the bench ended it. */
    default void onClose(WsSocket socket, int code, boolean byBench) {}

    FrameListener IGNORE = (socket, frame) -> {};
}
