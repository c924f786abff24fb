package dev.parley.support;

import org.junit.jupiter.api.Assumptions;

/** A part a test needs (PostgreSQL, Redis) is missing: skipped with the reason, or failed under {@code CI=true}. */
public final class Needs {

    private Needs() {}

    public static void missing(String what, Throwable cause) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(what + "; under CI=true this fails instead of skipping", cause);
        }
        Assumptions.abort(what + ": skipping");
    }
}
