package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What Linux's /proc says about a process: CPU time, resident memory, file limit, allowed CPUs. */
final class Proc {

    /** Clock ticks per second of /proc/PID/stat times. */
    static final long CLK_TCK = clockTicks();

    static final long SELF = ProcessHandle.current().pid();

    private Proc() {}

    /** User plus system CPU time in ticks, or -1 when the process is unknown or gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name may hold spaces and parentheses: fields are counted from the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double cpuSeconds(long ticks) {
        return ticks / (double) CLK_TCK;
    }

    /**
     * A /proc file's text. Not Files.readString: /proc files report sizes that are not their
     * length (it read one character of /proc/sys/net/ipv4/tcp_wmem).
     */
    static String read(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** VmRSS in KB, or -1. */
    static long rssKb(long pid) {
        String value = statusField(pid, "VmRSS:");
        return value == null ? -1 : Long.parseLong(value.replace("kB", "").strip());
    }

    /** Which CPUs the process may run on, as Linux lists them ("1", "0-1"), or "?" */
    static String cpusAllowed(long pid) {
        String value = statusField(pid, "Cpus_allowed_list:");
        return value == null ? "?" : value.strip();
    }

    /** The soft limit on open files, or -1. */
    static long fileLimit(long pid) {
        return fileLimits(pid)[0];
    }

    /** The hard limit on open files (the most the process may raise its own to), or -1. */
    static long hardFileLimit(long pid) {
        return fileLimits(pid)[1];
    }

    private static long[] fileLimits(long pid) {
        try {
            for (String line : read(Path.of("/proc", String.valueOf(pid), "limits"))
                    .lines()
                    .toList()) {
                if (line.startsWith("Max open files")) {
                    String[] values =
                            line.substring("Max open files".length()).strip().split("\\s+");
                    return new long[] {limit(values[0]), limit(values[1])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return new long[] {-1, -1};
    }

    private static long limit(String value) {
        return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
    }

    static boolean alive(long pid) {
        return Files.exists(Path.of("/proc", String.valueOf(pid)));
    }

    /** Whether a command is on the PATH (taskset, prlimit). */
    static boolean has(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a short command and answers whether it exited with 0 within 10 s. */
    static boolean run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String statusField(long pid, String name) {
        try {
            for (String line : read(Path.of("/proc", String.valueOf(pid), "status"))
                    .lines()
                    .toList()) {
                if (line.startsWith(name)) {
                    return line.substring(name.length());
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return null;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
