package dev.parley.realtime.control;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Server-Sent Events stream. The frame's type becomes the event name; a message's seq becomes
 * the event id, so the browser's Last-Event-ID resumes exactly; other events carry no id.
 */
public record StreamTransport(SseEventSink sink, Sse sse) implements Transport {

    @Override
    public void send(EncodedFrame frame, Consumer<Throwable> done) {
        OutboundSseEvent.Builder event =
                sse.newEventBuilder().name(frame.type()).data(frame.text());
        if (frame.eventId() > 0) {
            event.id(Long.toString(frame.eventId()));
        }
        write(event.build(), done);
    }

    @Override
    public void sendNow(EncodedFrame frame) throws Exception {
        CompletableFuture<Throwable> written = new CompletableFuture<>();
        send(frame, written::complete);
        Throwable failure = written.get(30, TimeUnit.SECONDS);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void ping(Consumer<Throwable> done) {
        write(sse.newEventBuilder().comment("keep-alive").build(), done);
    }

    private void write(OutboundSseEvent event, Consumer<Throwable> done) {
        if (sink.isClosed()) {
            done.accept(new IllegalStateException("the stream is closed"));
            return;
        }
        sink.send(event).whenComplete((ignored, failure) -> done.accept(failure));
    }

    @Override
    public void close(int code, String reason) {
        sink.close();
    }

    @Override
    public boolean hearsBack() {
        return false;
    }
}
