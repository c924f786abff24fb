package dev.parley.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Redis's own CPU seconds (user + sys, from {@code INFO cpu}), for the cluster run's cost per
 * message. Redis may run anywhere on this machine, so /proc of a pid the bench did not start
 * would be a guess; its INFO is exact.
 */
final class RedisCpu {

    private RedisCpu() {}

    /** CPU seconds Redis has used so far, or NaN when it cannot be asked. */
    static double seconds(String redisUri) {
        URI uri = URI.create(redisUri);
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("INFO cpu\r\n".getBytes(StandardCharsets.US_ASCII));
            String info = readBulk(socket.getInputStream());
            double total = 0;
            for (String line : info.split("\r\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    total += Double.parseDouble(
                            line.substring(line.indexOf(':') + 1).strip());
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            Rig.loud("cannot read Redis CPU from " + redisUri + ": " + e);
            return Double.NaN;
        }
    }

    // a RESP bulk string: $<length>\r\n<bytes>\r\n
    private static String readBulk(InputStream in) throws IOException {
        StringBuilder header = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            header.append((char) c);
        }
        if (header.charAt(0) != '$') {
            throw new IOException("unexpected answer: " + header.toString().strip());
        }
        int length = Integer.parseInt(header.substring(1).strip());
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
