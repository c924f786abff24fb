package dev.parley.bench;

/**
 * CPU time of the server and of the generator over a measured window, from /proc. The generator
 * has one core: above ~80 % of it, its own delays start to show in the numbers.
 */
final class Usage {

    private final ParleyServer server;
    private final long startNanos;
    private final long serverStart;
    private final long selfStart;
    private long nanos;
    private long serverTicks = -1;
    private long selfTicks;

    private Usage(ParleyServer server) {
        this.server = server;
        this.startNanos = BenchClock.now();
        this.serverStart = server.cpuTicks();
        this.selfStart = Proc.cpuTicks(Proc.SELF);
    }

    static Usage begin(ParleyServer server) {
        return new Usage(server);
    }

    Usage end() {
        nanos = BenchClock.now() - startNanos;
        long serverEnd = server.cpuTicks();
        serverTicks = serverStart < 0 || serverEnd < 0 ? -1 : serverEnd - serverStart;
        selfTicks = Proc.cpuTicks(Proc.SELF) - selfStart;
        return this;
    }

    double seconds() {
        return nanos / 1e9;
    }

    /** Server CPU seconds in the window, or NaN when the server's pid is unknown. */
    double serverCpu() {
        return serverTicks < 0 ? Double.NaN : Proc.cpuSeconds(serverTicks);
    }

    double generatorCpu() {
        return Proc.cpuSeconds(selfTicks);
    }

    /** Server CPU microseconds per unit of work, or NaN. */
    double serverMicrosPer(long units) {
        return units <= 0 ? Double.NaN : serverCpu() * 1e6 / units;
    }

    double generatorMicrosPer(long units) {
        return units <= 0 ? Double.NaN : generatorCpu() * 1e6 / units;
    }

    /** Share of one core the generator used. */
    double generatorLoad() {
        return nanos == 0 ? 0 : generatorCpu() / seconds();
    }

    double serverLoad() {
        return nanos == 0 ? Double.NaN : serverCpu() / seconds();
    }

    boolean generatorSaturated() {
        return generatorLoad() > 0.8;
    }

    String describe() {
        return String.format(
                "server CPU %s s (%s of a core), generator CPU %.2f s (%.0f %% of a core)%s",
                Double.isNaN(serverCpu()) ? "?" : String.format("%.2f", serverCpu()),
                Double.isNaN(serverLoad()) ? "?" : String.format("%.0f %%", serverLoad() * 100),
                generatorCpu(),
                generatorLoad() * 100,
                generatorSaturated() ? "  ** generator saturated: numbers are a lower bound **" : "");
    }
}
