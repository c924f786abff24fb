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
        MigrateResult result = Flyway.configure(getClass().getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // named, not scanned for: some servers' class loaders cannot list a package
                .javaMigrations(new V3__MessageIdsInLargerBlocks())
                .load()
                .migrate();
        LOG.info(() -> "schema at version " + result.targetSchemaVersion + ", " + result.migrationsExecuted
                + " migrations applied");
    }
}
