package dev.parley.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.platform.control.ClientAddress.Range;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    static final List<Range> PROXIES = List.of(
            Range.parse("10.0.0.0/8").orElseThrow(),
            Range.parse("127.0.0.1").orElseThrow(),
            Range.parse("fd00::/8").orElseThrow());

    @Test
    void aPeerThatIsNoTrustedProxyIsTheClientWhateverItForwards() {
        assertEquals("198.51.100.9", ClientAddress.resolve("198.51.100.9", List.of("203.0.113.7"), PROXIES));
        assertEquals("198.51.100.9", ClientAddress.resolve("198.51.100.9", List.of(), List.of()));
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightMostEntryItDoesNotTrust() {
        assertEquals("203.0.113.7", ClientAddress.resolve("127.0.0.1", List.of("203.0.113.7"), PROXIES));
        // a client that writes its own X-Forwarded-For only adds entries left of the real one
        assertEquals("203.0.113.7", ClientAddress.resolve("10.1.2.3", List.of("192.0.2.1, 203.0.113.7"), PROXIES));
        // two proxies in a row, and the header sent as two fields
        assertEquals(
                "203.0.113.7",
                ClientAddress.resolve("127.0.0.1", List.of("192.0.2.1, 203.0.113.7", "10.9.9.9"), PROXIES));
        assertEquals("2001:db8:0:0:0:0:0:5", ClientAddress.resolve("fd00::1", List.of("[2001:db8::5]"), PROXIES));
    }

    @Test
    void aChainThatStopsMakingSenseEndsAtTheLastTrustedHop() {
        assertEquals("127.0.0.1", ClientAddress.resolve("127.0.0.1", List.of(), PROXIES));
        assertEquals("10.9.9.9", ClientAddress.resolve("127.0.0.1", List.of("unknown, 10.9.9.9"), PROXIES));
        assertEquals("10.9.9.9", ClientAddress.resolve("127.0.0.1", List.of("300.1.1.1, 10.9.9.9"), PROXIES));
        assertEquals("127.0.0.1", ClientAddress.resolve("127.0.0.1", List.of("evil.example"), PROXIES));
    }

    @Test
    void onlyWrittenAddressesAndRangesAreAccepted() {
        assertTrue(Range.parse("example.org").isEmpty(), "a name would need DNS");
        assertTrue(Range.parse("10.0.0.0/33").isEmpty());
        assertTrue(Range.parse("10.0.0.0/x").isEmpty());
        assertTrue(Range.parse("256.0.0.1").isEmpty());
        assertTrue(ClientAddress.literal(".:").isEmpty());
        assertTrue(ClientAddress.literal("g::1").isEmpty());
        assertEquals(4, ClientAddress.literal("::ffff:192.0.2.1").orElseThrow().length, "a mapped IPv4 is IPv4");
        assertTrue(Range.parse("0.0.0.0/0").orElseThrow().contains(new byte[] {1, 2, 3, 4}));
        assertTrue(!Range.parse("10.0.0.0/8").orElseThrow().contains(new byte[] {11, 0, 0, 1}));
    }
}
