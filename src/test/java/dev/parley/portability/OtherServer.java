package dev.parley.portability;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;

/**
 * Where the black-box suites find a Parley that a build profile started on another server
 * ({@code -Pwildfly}, {@code -Pliberty}): system properties {@code parley.other.server} (its name)
 * and {@code parley.other.url} (its base URL, {@code http://127.0.0.1:PORT}). Without a URL the
 * tests are skipped, except under {@code CI=true} when a profile named a server: then a missing
 * URL is a broken build, not a reason to pass.
 */
final class OtherServer {

    private OtherServer() {}

    static String name() {
        return System.getProperty("parley.other.server", "").trim();
    }

    static URI url() {
        String url = System.getProperty("parley.other.url", "").trim();
        if (url.isEmpty()) {
            String message = "no parley.other.url: these tests run against a Parley started by -Pwildfly or -Pliberty"
                    + " (see README, \"Other servers\")";
            if ("true".equalsIgnoreCase(System.getenv("CI")) && !name().isEmpty()) {
                fail(message + "; the build asked for " + name());
            }
            assumeTrue(false, message);
        }
        URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
            fail("parley.other.url must be on 127.0.0.1 or localhost, not " + uri.getHost());
        }
        return uri;
    }

    /**
     * The management URL of the server the build started, for a test that only applies to
     * {@code server}: skipped without a server or on another one.
     */
    static URI management(String server) {
        url();
        assumeTrue(server.equals(name()), "this test runs under -P" + server + ", not " + name());
        return URI.create(required("parley.other.management.url"));
    }

    /** A system property the profile must set for {@link #name()}'s management test. */
    static String required(String property) {
        String value = System.getProperty(property, "").trim();
        if (value.isEmpty()) {
            fail("the build did not set " + property + " for the " + name() + " management test");
        }
        return value;
    }
}
