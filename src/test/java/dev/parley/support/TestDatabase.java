package dev.parley.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For {@code -Dparley.db=postgres}: creates a fresh database for this run on the local
 * PostgreSQL before the first server boots. PostgreSQL unreachable: the tests are skipped with
 * a message, or fail when {@code CI=true}.
 */
public class TestDatabase implements BeforeAllCallback {

    private static final AtomicBoolean CREATED = new AtomicBoolean();

    public static boolean postgres() {
        return "postgres".equals(System.getProperty("parley.db"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!postgres()) {
            return;
        }
        String name = env("PARLEY_DB_NAME", "parley_test");
        synchronized (CREATED) {
            if (!CREATED.get()) {
                recreate(name);
                CREATED.set(true);
            }
        }
    }

    /**
     * Drops and creates the database {@code name} on the local PostgreSQL; unreachable: the test
     * is skipped with a message, or fails when {@code CI=true}.
     */
    public static void recreate(String name) {
        String host = env("PARLEY_DB_HOST", "127.0.0.1");
        String port = env("PARLEY_DB_PORT", "5432");
        String user = env("PARLEY_DB_USER", "postgres");
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("the database name must be a plain identifier: " + name);
        }
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/postgres?connectTimeout=5",
                user,
                env("PARLEY_DB_PASSWORD", ""))) {
            admin.createStatement().execute("drop database if exists " + name + " with (force)");
            admin.createStatement().execute("create database " + name);
        } catch (SQLException unreachable) {
            Needs.missing(
                    "PostgreSQL at " + host + ":" + port + " is not reachable (" + unreachable.getMessage() + ")",
                    unreachable);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
