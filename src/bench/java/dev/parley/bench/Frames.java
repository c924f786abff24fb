package dev.parley.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Cheap reading of the server's text frames straight from Netty's buffer: the hot loop looks for
 * a few byte patterns and digits instead of building a JSON tree per frame. It relies on what the
 * server guarantees: every frame starts with {"type":"…", and the bench's own message content is
 * plain ASCII that needs no escaping.
 */
final class Frames {

    static final byte[] TYPE = ascii("{\"type\":\"");
    static final byte[] SEQ = ascii("\"seq\":");
    static final byte[] LAST_SEQ = ascii("\"last_seq\":");
    static final byte[] CODE = ascii("\"code\":\"");
    /** What the bench's message content starts with; the scheduled send time follows. */
    static final String MARK = "bench:";

    static final byte[] CONTENT = ascii("\"content\":\"" + MARK);

    private Frames() {}

    /** The frame's type, as one of the few the bench cares about. */
    enum Type {
        MESSAGE,
        ACK,
        SUBSCRIBED,
        CONNECTED,
        ERROR,
        OTHER
    }

    private static final byte[] MESSAGE = ascii("message\"");
    private static final byte[] ACK = ascii("ack\"");
    private static final byte[] SUBSCRIBED = ascii("subscribed\"");
    private static final byte[] CONNECTED = ascii("connected\"");
    private static final byte[] ERROR = ascii("error\"");

    static Type type(ByteBuf frame) {
        int at = frame.readerIndex();
        if (!matches(frame, at, TYPE)) {
            return Type.OTHER;
        }
        at += TYPE.length;
        if (matches(frame, at, MESSAGE)) {
            return Type.MESSAGE;
        }
        if (matches(frame, at, ACK)) {
            return Type.ACK;
        }
        if (matches(frame, at, SUBSCRIBED)) {
            return Type.SUBSCRIBED;
        }
        if (matches(frame, at, CONNECTED)) {
            return Type.CONNECTED;
        }
        if (matches(frame, at, ERROR)) {
            return Type.ERROR;
        }
        return Type.OTHER;
    }

    /** The non-negative number after {@code key}, or -1 when the key is absent. */
    static long number(ByteBuf frame, byte[] key) {
        int at = indexOf(frame, key, frame.readerIndex());
        return at < 0 ? -1 : digits(frame, at + key.length);
    }

    /** The scheduled send time (bench nanos) carried in the bench's content, or -1 for other content. */
    static long scheduled(ByteBuf frame) {
        return number(frame, CONTENT);
    }

    /** A short string value after {@code key} (for error codes); not for the hot path. */
    static String text(ByteBuf frame, byte[] key) {
        int at = indexOf(frame, key, frame.readerIndex());
        if (at < 0) {
            return "?";
        }
        int from = at + key.length;
        int end = from;
        while (end < frame.writerIndex() && frame.getByte(end) != '"') {
            end++;
        }
        return frame.toString(from, end - from, StandardCharsets.UTF_8);
    }

    static int indexOf(ByteBuf frame, byte[] needle, int from) {
        int last = frame.writerIndex() - needle.length;
        byte first = needle[0];
        for (int i = from; i <= last; i++) {
            if (frame.getByte(i) == first && matches(frame, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    /** The content of a bench message: its scheduled time, padded with x to exactly {@code bytes}. */
    static String content(long scheduled, int bytes) {
        StringBuilder text =
                new StringBuilder(bytes).append(MARK).append(scheduled).append(':');
        while (text.length() < bytes) {
            text.append('x');
        }
        return text.toString();
    }

    /** A socket {@code message} frame; {@code room} 0 leaves room_id out (the path's room). */
    static String messageFrame(long room, String content, String clientId) {
        return "{\"type\":\"message\"," + (room > 0 ? "\"room_id\":" + room + "," : "") + "\"content\":\"" + content
                + "\",\"client_id\":\"" + clientId + "\"}";
    }

    private static boolean matches(ByteBuf frame, int at, byte[] pattern) {
        if (at + pattern.length > frame.writerIndex()) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (frame.getByte(at + i) != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    private static long digits(ByteBuf frame, int at) {
        long value = 0;
        int end = frame.writerIndex();
        int i = at;
        for (; i < end; i++) {
            byte b = frame.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
        }
        return i == at ? -1 : value;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
