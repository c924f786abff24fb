package dev.parley.platform.control;

import java.nio.file.Path;

/**
 * Where Parley keeps its files (the generated signing key; the H2 database, by the pool's
 * settings). Read from the system property or environment directly, because the MP Config
 * source for the JWT key needs it while config itself is being built.
 */
public final class DataFolder {

    public static final String PROPERTY = "parley.data.dir";
    public static final String ENV = "PARLEY_DATA_DIR";

    private DataFolder() {}

    public static Path path() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            dir = "data";
        }
        return Path.of(dir).toAbsolutePath();
    }
}
