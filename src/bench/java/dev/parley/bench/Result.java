package dev.parley.bench;

import java.util.List;

/**
 * One row of the results table, plus the detail lines printed under the scenario's heading.
 *
 * @param integrity lost / duplicated / reordered deliveries, or "–" where not applicable
 * @param cpu server CPU per unit of work, with the unit ("41 µs/delivery")
 */
record Result(
        String scenario,
        String load,
        String throughput,
        LatencyStats latency,
        String integrity,
        String cpu,
        String rss,
        String notes,
        List<String> details) {

    static String mb(long kb) {
        return kb < 0 ? "?" : String.format("%.0f MB", kb / 1024.0);
    }

    static String micros(double value, String unit) {
        return Double.isNaN(value) ? "?" : String.format(value >= 100 ? "%.0f µs/%s" : "%.1f µs/%s", value, unit);
    }

    static String count(double value) {
        return String.format("%,.0f", value);
    }
}
