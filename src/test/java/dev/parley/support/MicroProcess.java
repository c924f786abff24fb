package dev.parley.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Payara Micro the test starts and stops itself, with the same options the Arquillian
 * container gets: for tests about the server's life (restart, shutdown) rather than its API.
 */
public final class MicroProcess implements AutoCloseable {

    private final Process process;
    private final Api api;

    private MicroProcess(Process process, Api api) {
        this.process = process;
        this.api = api;
    }

    public static MicroProcess start(Path dataDir, Path log) throws IOException {
        return start(dataDir, log, List.of());
    }

    /** Like {@link #start(Path, Path)}, with JVM options that win over the test server's (settings to try). */
    public static MicroProcess start(Path dataDir, Path log, List<String> jvmOptions) throws IOException {
        return start(dataDir, log, jvmOptions, Map.of(), options("payara.extraMicroOptions"));
    }

    /**
     * A server with its own environment additions (such as another PARLEY_DB_NAME) and its own
     * Payara Micro options in place of the test server's (such as the PostgreSQL post-boot file).
     */
    public static MicroProcess start(
            Path dataDir, Path log, List<String> jvmOptions, Map<String, String> env, List<String> microOptions)
            throws IOException {
        MicroProcess micro = launch(dataDir, log, jvmOptions, env, microOptions);
        try {
            micro.awaitReady(log);
        } catch (RuntimeException notReady) {
            // the caller gets no handle to stop it: a server that never came up must not outlive the test
            micro.process.destroyForcibly();
            throw notReady;
        }
        return micro;
    }

    /** Starts the process and returns at once, without waiting for the application. */
    public static MicroProcess launch(
            Path dataDir, Path log, List<String> jvmOptions, Map<String, String> env, List<String> microOptions)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options("payara.cmdOptions"));
        // this server's own data folder wins over the shared one in payara.cmdOptions
        command.add("-Dparley.data.dir=" + dataDir);
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                System.getProperty("payara.microJar"),
                "--port",
                String.valueOf(port),
                "--contextroot",
                "/",
                "--deploy",
                System.getProperty("parley.war")));
        command.addAll(microOptions);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new MicroProcess(builder.start(), new Api(URI.create("http://127.0.0.1:" + port)));
    }

    /** Waits until the application answers (a 401 on /api/me); fails if the process exits first. */
    public void awaitReady(Path log) {
        await("Payara Micro on port " + api.base().getPort())
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "Payara Micro exited with " + process.exitValue() + "; see " + log);
                    }
                    return ready();
                });
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash: no shutdown hook, no close frames. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private boolean ready() {
        try {
            return api.get("/me", null).status() == 401;
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    public Api api() {
        return api;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as an operator or a container runtime stops it; waits for the exit. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    public static List<String> options(String property) {
        String value = System.getProperty(property, "").strip();
        return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
