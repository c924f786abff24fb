package dev.parley.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's results as one markdown table: printed at the end and appended, under a heading
 * that says what was measured where, to target/bench/results.md.
 */
final class ResultTable {

    private static final String HEADER =
            "| scenario | load | throughput | p50 ms | p99 ms | p99.9 ms | max ms | lost/dup/reord | server CPU | server RSS | notes |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|";

    private final List<Result> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    synchronized void add(Result result) {
        rows.add(result);
    }

    synchronized void failed(String scenario, String why) {
        failures.add(scenario + ": " + why);
    }

    synchronized String markdown() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Result r : rows) {
            LatencyStats l = r.latency();
            out.append("| ")
                    .append(String.join(
                            " | ",
                            r.scenario(),
                            r.load(),
                            r.throughput(),
                            LatencyStats.ms(l.p50()),
                            LatencyStats.ms(l.p99()),
                            LatencyStats.ms(l.p999()),
                            LatencyStats.ms(l.max()),
                            r.integrity(),
                            r.cpu(),
                            r.rss(),
                            r.notes().replace("|", "/")))
                    .append(" |\n");
        }
        for (String f : failures) {
            out.append("| ").append(f.replace("|", "/")).append(" | | | | | | | | | | |\n");
        }
        return out.toString();
    }

    /** Appends this run's table to {@code file} under {@code heading}. */
    void append(Path file, String heading) throws IOException {
        Files.createDirectories(file.getParent());
        String section = "\n## " + heading + "\n\n" + markdown();
        Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
