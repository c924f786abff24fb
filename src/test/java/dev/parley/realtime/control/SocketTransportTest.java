package dev.parley.realtime.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The close frame Parley writes itself on Tyrus, byte for byte (RFC 6455 5.5.1). */
class SocketTransportTest {

    private static byte[] bytes(ByteBuffer frame) {
        byte[] out = new byte[frame.remaining()];
        frame.get(out);
        return out;
    }

    @Test
    void aCloseFrameCarriesItsCodeAndReasonUnmasked() {
        byte[] frame = bytes(SocketTransport.closeFrame(4003, "not_member"));
        assertEquals((byte) 0x88, frame[0], "FIN and the close opcode");
        assertEquals(12, frame[1], "unmasked, the code's two bytes and the reason's ten");
        assertEquals(4003, ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF));
        assertEquals("not_member", new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8));
    }

    @Test
    void aLongReasonIsCutAtACharacterToFitAControlFrame() {
        // 62 two-byte characters: 124 bytes, one over what a control frame can carry beside its code
        String reason = "é".repeat(62);
        byte[] frame = bytes(SocketTransport.closeFrame(4008, reason));
        assertEquals(2 + 122, frame[1], "cut to 122 bytes, not 123, so no character is split");
        assertArrayEquals("é".repeat(61).getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(frame, 4, frame.length));
    }
}
