package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodedFrameTest {

    @Test
    void aShortTextIsOneFinalUnmaskedTextFrameWithASevenBitLength() {
        ByteBuffer wire = frame("{\"type\":\"pong\"}").wire();
        assertEquals(0x81, wire.get() & 0xFF, "FIN and opcode 1 (text)");
        assertEquals(15, wire.get(), "no mask bit, 15 bytes");
        assertEquals("{\"type\":\"pong\"}", rest(wire));
    }

    @Test
    void theLengthCountsUtf8BytesNotChars() {
        String text = "héllo 🙂";
        ByteBuffer wire = frame(text).wire();
        wire.get();
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, wire.get());
        assertEquals(text, rest(wire));
    }

    @Test
    void from126BytesTheLengthTakesSixteenBitsAndFrom65536SixtyFour() {
        String medium = "x".repeat(126);
        ByteBuffer wire = frame(medium).wire();
        assertEquals(0x81, wire.get() & 0xFF);
        assertEquals(126, wire.get());
        assertEquals(126, wire.getShort() & 0xFFFF);
        assertEquals(medium, rest(wire));

        String edge = "y".repeat(0xFFFF);
        wire = frame(edge).wire();
        wire.position(1);
        assertEquals(126, wire.get());
        assertEquals(0xFFFF, wire.getShort() & 0xFFFF);
        assertEquals(edge, rest(wire));

        String large = "z".repeat(70_000);
        wire = frame(large).wire();
        wire.position(1);
        assertEquals(127, wire.get());
        assertEquals(70_000L, wire.getLong());
        assertEquals(large, rest(wire));
    }

    @Test
    void everyWriterGetsItsOwnViewOfTheSameBytesAndALiveCopyKeepsThem() {
        EncodedFrame frame = frame("shared");
        ByteBuffer one = frame.wire();
        one.position(one.limit());
        ByteBuffer two = frame.live().wire();
        assertNotSame(one, two);
        assertEquals(0, two.position(), "a write that consumed its view must not move another's");
        assertSame(one.array(), two.array(), "framed once");
        assertEquals(8, two.remaining());
    }

    private static EncodedFrame frame(String text) {
        return new EncodedFrame(text, "message", 1, false);
    }

    private static String rest(ByteBuffer wire) {
        byte[] payload = new byte[wire.remaining()];
        wire.get(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }
}
