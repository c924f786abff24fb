package dev.parley.realtime.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** A JSR-356 session; the outbox guarantees one write at a time. */
public record SocketTransport(Session session) implements Transport {

    @Override
    public void send(String frame, Consumer<Throwable> done) {
        // a write to a session the peer already dropped can land on the container's recycled
        // buffers, which by then may belong to another connection: never write to a closed one
        if (!session.isOpen()) {
            done.accept(new IOException("the session is closed"));
            return;
        }
        session.getAsyncRemote().sendText(frame, result -> done.accept(result.isOK() ? null : result.getException()));
    }

    @Override
    public void sendNow(String frame) throws IOException {
        if (!session.isOpen()) {
            throw new IOException("the session is closed");
        }
        session.getBasicRemote().sendText(frame);
    }

    @Override
    public void ping(Consumer<Throwable> done) {
        if (!session.isOpen()) {
            done.accept(new IOException("the session is closed"));
            return;
        }
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
            done.accept(null);
        } catch (IOException | RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException e) {
            // already gone: nothing left to tell the peer
        }
    }

    @Override
    public boolean hearsBack() {
        return true;
    }
}
