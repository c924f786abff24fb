package dev.parley.platform.control;

import dev.parley.platform.control.migration.V3__MessageIdsInLargerBlocks;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings the schema up to date before the first request, on whatever database the pool points at. */
@ApplicationScoped
public class SchemaMigration {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());

    @Resource(lookup = "jdbc/parley")
    DataSource dataSource;

    void migrate(@Observes @Initialized(ApplicationScoped.class) Object started) {
        MigrateResult result;
        try {
            result = Flyway.configure(getClass().getClassLoader())
                    .dataSource(dataSource)
                    // db/migration holds an empty flyway.location: a class loader that cannot list a
                    // folder (Open Liberty's) finds the folder through it
                    .locations("classpath:db/migration")
                    // named, not scanned for: some servers' class loaders cannot list a package
                    .javaMigrations(new V3__MessageIdsInLargerBlocks())
                    .load()
                    .migrate();
        } catch (RuntimeException unusable) {
            // fails the deployment: better than an application that answers every request with 500
            throw new IllegalStateException(
                    "Parley cannot start: the database behind the connection pool jdbc/parley is unusable ("
                            + rootCause(unusable)
                            + "). Check the pool's settings in the server (server-config/ has them per server).",
                    unusable);
        }
        LOG.info(() -> "schema at version " + result.targetSchemaVersion + ", " + result.migrationsExecuted
                + " migrations applied");
    }

    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
