package dev.parley.assistant.control;

import java.io.Closeable;
import java.io.IOException;

/**
 * One reply in flight in one room: streaming, then either saving or ended. Whoever moves it
 * out of streaming first decides how it ends, so a cancelled reply sends no chunk after its
 * {@code ai_error} and is never saved, and a saved one is never also cancelled.
 */
final class Reply {

    private enum State {
        STREAMING,
        SAVING,
        ENDED
    }

    private final long roomId;
    private final String streamId;
    private final long replyTo;
    private final StringBuilder text = new StringBuilder();
    private State state = State.STREAMING;
    private long index;
    private Closeable connection;

    Reply(long roomId, String streamId, long replyTo) {
        this.roomId = roomId;
        this.streamId = streamId;
        this.replyTo = replyTo;
    }

    long roomId() {
        return roomId;
    }

    String streamId() {
        return streamId;
    }

    long replyTo() {
        return replyTo;
    }

    /**
     * Adds a piece while still streaming and hands it on with its index, under the lock: a chunk
     * is never announced after the {@code ai_error} of a cancel.
     */
    synchronized void append(String delta, Chunks chunks) {
        if (state == State.STREAMING) {
            text.append(delta);
            chunks.announce(index++, delta);
        }
    }

    interface Chunks {
        void announce(long index, String delta);
    }

    /** The connection to the model server, closed when the reply is cancelled so that its read ends. */
    synchronized void reading(Closeable connection) {
        this.connection = connection;
    }

    /** The whole text, to be saved; null when the reply ended otherwise first. */
    synchronized String finish() {
        if (state != State.STREAMING) {
            return null;
        }
        state = State.SAVING;
        return text.toString();
    }

    /** Ends a streaming reply; false when it had already ended or is being saved. */
    synchronized boolean end() {
        if (state != State.STREAMING) {
            return false;
        }
        state = State.ENDED;
        return true;
    }

    /** Ends it because its trigger is gone; the read is cut so that the thread is free at once. */
    boolean cancel() {
        Closeable open;
        synchronized (this) {
            if (!end()) {
                return false;
            }
            open = connection;
        }
        if (open != null) {
            try {
                open.close();
            } catch (IOException | RuntimeException ignored) {
                // the reading thread sees the stream end either way, and the reply has ended already
            }
        }
        return true;
    }
}
