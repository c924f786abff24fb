package dev.parley.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The address a request came from, for the limits that count per client. Behind a proxy every
 * request arrives from the proxy, so one client's failed logins would lock every other client
 * out; the proxies named in {@code parley.http.trusted-proxies} (addresses or CIDR ranges; none
 * by default, so that no client can choose its own address) are looked through. The client is
 * the right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy: the entries
 * left of it are the client's own claims and are never believed.
 */
@ApplicationScoped
public class ClientAddress {

    private static final Logger LOG = Logger.getLogger(ClientAddress.class.getName());
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    // starts as the JDK reads a literal, and holds a colon: the JDK then refuses it rather than asking DNS
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

    private List<Range> trusted = List.of();

    /** One trusted address or range: the address's bytes and how many leading bits must match. */
    public record Range(byte[] network, int bits) {

        public static Optional<Range> parse(String entry) {
            String[] parts = entry.strip().split("/", 2);
            Optional<byte[]> network = literal(parts[0]);
            if (network.isEmpty()) {
                return Optional.empty();
            }
            int width = network.get().length * 8;
            if (parts.length == 1) {
                return Optional.of(new Range(network.get(), width));
            }
            if (!parts[1].matches("[0-9]{1,3}") || Integer.parseInt(parts[1]) > width) {
                return Optional.empty();
            }
            return Optional.of(new Range(network.get(), Integer.parseInt(parts[1])));
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    @PostConstruct
    void parse() {
        List<Range> ranges = new ArrayList<>();
        // read as a list here: not every server injects Optional<List<String>>
        List<String> configured = ConfigProvider.getConfig()
                .getOptionalValues("parley.http.trusted-proxies", String.class)
                .orElse(List.of());
        for (String entry : configured) {
            if (entry.isBlank()) {
                continue;
            }
            Range.parse(entry)
                    .ifPresentOrElse(
                            ranges::add,
                            () -> LOG.warning("parley.http.trusted-proxies: '" + entry.strip()
                                    + "' is not an address or a CIDR range; ignored"));
        }
        trusted = List.copyOf(ranges);
    }

    /** The client's address for this request, looking through trusted proxies. */
    public String of(HttpServletRequest request) {
        if (trusted.isEmpty()) {
            return request.getRemoteAddr();
        }
        return resolve(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")), trusted);
    }

    /**
     * The peer, unless it is a trusted proxy; then the right-most forwarded entry that is not
     * trusted. A proxy that forwards nothing, or an entry that is not an address, leaves the
     * last trusted hop as the client: that is where the chain stops being believable.
     */
    public static String resolve(String peer, List<String> forwardedFor, List<Range> trusted) {
        Optional<byte[]> hop = literal(peer);
        if (hop.isEmpty() || !isTrusted(hop.get(), trusted)) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        forwardedFor.forEach(header -> entries.addAll(List.of(header.split(","))));
        String client = peer;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Optional<byte[]> entry = literal(entries.get(i));
            if (entry.isEmpty()) {
                return client;
            }
            client = text(entry.get());
            if (!isTrusted(entry.get(), trusted)) {
                return client;
            }
        }
        return client;
    }

    private static boolean isTrusted(byte[] address, List<Range> trusted) {
        return trusted.stream().anyMatch(range -> range.contains(address));
    }

    /** An IP address written out, never a name: parsing it must not ask DNS. */
    static Optional<byte[]> literal(String text) {
        String candidate = text.strip();
        if (candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        Matcher v4 = IPV4.matcher(candidate);
        if (v4.matches()) {
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    return Optional.empty();
                }
                address[i] = (byte) octet;
            }
            return Optional.of(address);
        }
        if (candidate.indexOf(':') < 0 || !IPV6.matcher(candidate).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(candidate).getAddress());
        } catch (UnknownHostException notAnAddress) {
            return Optional.empty();
        }
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException wrongLength) {
            // literal() gives 4 or 16 bytes, the only lengths this refuses
            throw new IllegalStateException(wrongLength);
        }
    }
}
