package dev.parley.cluster.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Cluster mode needs one database that every node reads and writes: the seqs, the history and
 * the gap fill all come from it. The embedded H2 database is a file of one node, so a cluster on
 * it would split into nodes that each think they hold the truth: refuse to start instead.
 */
@ApplicationScoped
public class SharedDatabase {

    private static final Logger LOG = Logger.getLogger(SharedDatabase.class.getName());

    @Resource(lookup = "jdbc/parley")
    DataSource dataSource;

    void requireShared() {
        String product;
        String url;
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            product = meta.getDatabaseProductName();
            url = String.valueOf(meta.getURL());
        } catch (SQLException e) {
            throw new IllegalStateException("cluster mode: cannot read the database's metadata", e);
        }
        if (product.toLowerCase(Locale.ROOT).contains("h2") || url.startsWith("jdbc:h2:")) {
            String message =
                    "Parley refuses to start: cluster mode (parley.redis.uri is set) needs a database that all nodes "
                            + "share, such as PostgreSQL, but jdbc/parley is the embedded H2 database of this node. "
                            + "Point jdbc/parley at PostgreSQL (server-config/payara-micro/postgres.asadmin) or unset parley.redis.uri.";
            LOG.severe(message);
            throw new IllegalStateException(message);
        }
    }
}
