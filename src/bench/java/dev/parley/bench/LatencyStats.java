package dev.parley.bench;

import org.HdrHistogram.Histogram;

/** Percentiles of a histogram of microseconds, in milliseconds for the tables. */
record LatencyStats(long count, double p50, double p99, double p999, double max) {

    static final LatencyStats NONE = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static LatencyStats of(Histogram micros) {
        if (micros == null || micros.getTotalCount() == 0) {
            return NONE;
        }
        return new LatencyStats(
                micros.getTotalCount(),
                micros.getValueAtPercentile(50) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0,
                micros.getValueAtPercentile(99.9) / 1000.0,
                micros.getMaxValue() / 1000.0);
    }

    static String ms(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return value >= 100
                ? String.format("%.0f", value)
                : value >= 10 ? String.format("%.1f", value) : String.format("%.2f", value);
    }

    @Override
    public String toString() {
        return count == 0
                ? "no samples"
                : "p50 " + ms(p50) + " ms, p99 " + ms(p99) + " ms, p99.9 " + ms(p999) + " ms, max " + ms(max) + " ms ("
                        + count + " samples)";
    }
}
