package dev.parley.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx in front of Parley nodes, configured with the README's own
 * {@code server-config/nginx/parley.conf}: only its upstream ports and its listen address are
 * replaced (a free port of 127.0.0.1). No nginx installed: the test is skipped, or fails under
 * {@code CI=true}.
 */
public final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static Nginx inFront(Path config, Path dir, int... nodePorts) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dir.resolve("temp"));
        String servers = Arrays.stream(nodePorts)
                .mapToObj(p -> "    server 127.0.0.1:" + p + " max_fails=2 fail_timeout=10s;")
                .collect(Collectors.joining("\n"));
        String site = Files.readString(config)
                .replaceAll("(?m)^    server 127\\.0\\.0\\.1:\\d+ [^\\n]*\\n", "")
                .replace("upstream parley {\n", "upstream parley {\n" + servers + "\n")
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        Files.writeString(dir.resolve("parley.conf"), site);
        String temp = dir.resolve("temp").toAbsolutePath().toString();
        Files.writeString(
                dir.resolve("nginx.conf"),
                String.join(
                        "\n",
                        "root".equals(System.getProperty("user.name")) ? "user root;" : "",
                        "worker_processes 1;",
                        "pid " + dir.toAbsolutePath().resolve("nginx.pid") + ";",
                        "error_log " + dir.toAbsolutePath().resolve("error.log") + " warn;",
                        "events { worker_connections 1024; }",
                        "http {",
                        "    access_log " + dir.toAbsolutePath().resolve("access.log") + ";",
                        "    client_body_temp_path " + temp + "/body;",
                        "    proxy_temp_path " + temp + "/proxy;",
                        "    fastcgi_temp_path " + temp + "/fastcgi;",
                        "    uwsgi_temp_path " + temp + "/uwsgi;",
                        "    scgi_temp_path " + temp + "/scgi;",
                        "    include " + dir.toAbsolutePath().resolve("parley.conf") + ";",
                        "}",
                        ""));
        Process process = null;
        for (String binary : List.of("nginx", "/usr/sbin/nginx")) {
            try {
                process = new ProcessBuilder(List.of(
                                binary,
                                "-p",
                                dir.toAbsolutePath().toString(),
                                "-c",
                                dir.toAbsolutePath().resolve("nginx.conf").toString(),
                                "-g",
                                "daemon off;"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(
                                dir.resolve("nginx.out").toFile()))
                        .start();
                break;
            } catch (IOException notThere) {
                // try the next place
            }
        }
        if (process == null) {
            Needs.missing("nginx cannot be started (install Debian's nginx)", null);
        }
        Nginx nginx = new Nginx(process, port, dir);
        Api api = nginx.api();
        await("nginx on port " + port)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !nginx.process.isAlive() || answers(api));
        if (!nginx.process.isAlive()) {
            throw new IllegalStateException("nginx exited; see " + dir.resolve("nginx.out"));
        }
        return nginx;
    }

    private static boolean answers(Api api) {
        try {
            return api.get("/me", null).status() == 401;
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    /** The cluster as a client sees it: every request and socket through nginx. */
    public Api api() {
        return new Api(URI.create("http://127.0.0.1:" + port));
    }

    public Path accessLog() {
        return dir.resolve("access.log");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
