package dev.parley.bench;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's entry point: checks the machine (pinning, file limits), starts Parley (or
 * attaches to a running one), makes the users, runs the chosen scenarios, prints the results
 * table, stops the server, and summarizes the JFR profile if one was asked for. It exits non-zero
 * only when it could not run; slow numbers never fail it.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) {
        int exit;
        try {
            exit = run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.out.println();
            Rig.loud("bench could not run: " + e.getMessage());
            exit = 2;
        } catch (Exception e) {
            System.out.println();
            Rig.loud("bench could not run: " + e);
            e.printStackTrace(System.out);
            exit = 2;
        }
        System.out.flush();
        System.exit(exit);
    }

    private static int[] ports(ParleyServer server) {
        return server.nodes() == 1 ? new int[] {server.port()} : new int[] {server.port(0), server.port(1)};
    }

    private static int run() throws Exception {
        Settings settings = new Settings();
        System.out.println("== Parley benchmark");
        settings.describe().forEach(line -> System.out.println("  " + line));
        checkGenerator(settings);

        ParleyServer server = settings.external() ? ParleyServer.attach(settings) : ParleyServer.start(settings);
        ResultTable table = new ResultTable();
        List<String> failures = new ArrayList<>();
        List<Rig.Profiled> windows = List.of();
        String heading;
        try {
            server.notes().forEach(line -> System.out.println("  " + line));
            if (server.ownProcess()) {
                System.out.println(
                        "  server options for the load test: " + String.join(" ", ParleyServer.LOAD_TEST_OPTIONS)
                                + (settings.jvm.isEmpty() ? "" : " " + settings.jvm));
            }
            checkServerFiles(settings, server);
            heading = heading(settings, server);
            try (Setup setup = new Setup(server.base());
                    SocketClient client = new SocketClient(
                            settings.threads, ports(server), settings.connectTimeout, settings.tokenInQuery)) {
                long t0 = System.nanoTime();
                List<Setup.User> users = setup.users(settings.users);
                Rig.log(String.format(
                        "%d users registered and logged in (%.1f s)", users.size(), (System.nanoTime() - t0) / 1e9));
                Rig rig = new Rig(settings, server, setup, client, users, table);
                for (String scenario : settings.scenarios) {
                    System.out.println();
                    System.out.println("== " + scenario);
                    try {
                        for (Result result : run(rig, scenario)) {
                            table.add(result);
                            result.details().forEach(line -> System.out.println("  " + line));
                        }
                    } catch (Exception e) {
                        Rig.loud(scenario + " could not run: " + e);
                        e.printStackTrace(System.out);
                        table.failed(scenario, "could not run: " + e.getMessage());
                        failures.add(scenario);
                        if (!server.alive()) {
                            Rig.loud("the server is gone; stopping. Its log ends with:\n" + server.logTail(30));
                            break;
                        }
                    }
                }
                windows = rig.profiledWindows();
            }
        } finally {
            if (server.ownProcess()) {
                Rig.log("stopping the server");
            }
            server.close();
        }

        System.out.println();
        System.out.println("== results (" + heading + ")");
        System.out.println();
        System.out.print(table.markdown());
        Path results = settings.target.resolve("bench/results.md");
        table.append(results, heading);
        System.out.println();
        System.out.println("appended to " + results);
        if (server.jfr() != null) {
            List<String> profile = JfrSummary.summarize(server.jfr(), windows);
            Path summary = Path.of(server.jfr() + ".txt");
            JfrSummary.write(summary, profile);
            profile.forEach(System.out::println);
            System.out.println();
            System.out.println("JFR recording: " + server.jfr() + " (summary in " + summary + ")");
        }
        if (!failures.isEmpty()) {
            Rig.loud("scenarios that could not run: " + failures);
            return 1;
        }
        return 0;
    }

    private static List<Result> run(Rig rig, String scenario) throws Exception {
        return switch (scenario) {
            case "fanout" -> new FanoutScenario(rig).run();
            case "handshakes" -> List.of(new HandshakeScenario(rig).run());
            case "idle" -> List.of(new IdleScenario(rig).run());
            case "rooms" -> List.of(new RoomsScenario(rig).run());
            case "slow" -> List.of(new FaultScenarios(rig).slow());
            case "drop" -> List.of(new FaultScenarios(rig).drop());
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    /** Where the generator runs, and whether it may open as many sockets as the run needs. */
    private static void checkGenerator(Settings settings) {
        System.out.println("  generator: pid " + Proc.SELF + ", CPUs " + Proc.cpusAllowed(Proc.SELF) + ", "
                + Runtime.getRuntime().availableProcessors() + " processor(s) seen by the JVM, max heap "
                + Runtime.getRuntime().maxMemory() / 1048576 + " MB");
        if (Proc.cpusAllowed(Proc.SELF).matches(".*[-,].*")) {
            System.out.println(
                    "  generator is NOT pinned to one core (run it through mvn -Pbench, or taskset -c 1): it competes with the server");
        }
        long need = settings.peakSockets() + 1000L;
        long limit = Proc.fileLimit(Proc.SELF);
        if (limit >= 0 && limit < need) {
            long want = Math.max(need, settings.nofile);
            boolean raised = Proc.has("prlimit")
                    && Proc.run(
                            List.of("prlimit", "--pid", String.valueOf(Proc.SELF), "--nofile=" + want + ":" + want));
            long now = Proc.fileLimit(Proc.SELF);
            if (raised && now >= need) {
                System.out.println("  generator file limit raised from " + limit + " to " + now + " (prlimit)");
            } else {
                throw new IllegalStateException(
                        "the generator may open " + limit + " files (ulimit -n; hard limit "
                                + Proc.hardFileLimit(Proc.SELF) + ") but this run holds up to " + settings.peakSockets()
                                + " sockets at once, and could not raise it. Raise the limit before running (ulimit -n "
                                + want
                                + " in the shell that runs mvn; above the hard limit this needs root with CAP_SYS_RESOURCE) or choose fewer sockets");
            }
        } else {
            System.out.println("  generator file limit: " + limit + " (this run needs about " + need + ")");
        }
    }

    private static void checkServerFiles(Settings settings, ParleyServer server) {
        long limit = server.fileLimit();
        long need = settings.peakSockets() + 2000L;
        if (limit >= 0 && limit < need) {
            throw new IllegalStateException("the server may open " + limit + " files but this run holds up to "
                    + settings.peakSockets() + " sockets at once: it needs a higher limit (ulimit -n "
                    + Math.max(need, settings.nofile)
                    + " before starting it; above the hard limit " + Proc.hardFileLimit(server.pid())
                    + " this needs root with CAP_SYS_RESOURCE)");
        }
    }

    private static String heading(Settings settings, ParleyServer server) {
        String when = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        String commit = "?";
        try {
            Process git = new ProcessBuilder("git", "-C", settings.basedir.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            if (git.waitFor() == 0) {
                commit = out;
            }
        } catch (Exception e) {
            // no git: the commit stays unknown
        }
        return when + ", commit " + commit + ", " + (settings.external() ? "server at " + server.base() : settings.db)
                + ", server CPUs " + (server.pid() > 0 ? Proc.cpusAllowed(server.pid()) : "?")
                + ", generator CPUs " + Proc.cpusAllowed(Proc.SELF) + (settings.smoke() ? ", smoke" : "");
    }
}
