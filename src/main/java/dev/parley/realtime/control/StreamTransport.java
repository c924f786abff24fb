package dev.parley.realtime.control;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Server-Sent Events stream. The frame's type becomes the event name; a message's seq becomes
 * the event id, so the browser's Last-Event-ID resumes exactly; other events carry no id.
 */
public record StreamTransport(SseEventSink sink, Sse sse) implements Transport {

    private static final Pattern TYPE = Pattern.compile("^\\{\"type\":\"([a-z_]+)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @Override
    public void send(String frame, Consumer<Throwable> done) {
        Matcher type = TYPE.matcher(frame);
        String name = type.find() ? type.group(1) : "message";
        OutboundSseEvent.Builder event = sse.newEventBuilder().name(name).data(frame);
        if (name.equals("message")) {
            Matcher seq = SEQ.matcher(frame);
            if (seq.find()) {
                event.id(seq.group(1));
            }
        }
        write(event.build(), done);
    }

    @Override
    public void sendNow(String frame) throws Exception {
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
