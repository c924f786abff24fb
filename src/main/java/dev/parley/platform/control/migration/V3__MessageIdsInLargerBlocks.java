package dev.parley.platform.control.migration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Message ids come in blocks of 1,000 instead of 50. Every insert takes its id from the JPA
 * provider's preallocated block under one shared lock, and the next block is fetched under that
 * lock: at 500 messages/s it was a quarter of the send path's CPU. The sequence restarts above
 * every id already used or handed out, so a block can never repeat one; this needs a value
 * computed at migration time, hence Java rather than SQL.
 */
public class V3__MessageIdsInLargerBlocks extends BaseJavaMigration {

    static final int BLOCK = 1000;

    @Override
    public void migrate(Context context) throws SQLException {
        boolean postgres = context.getConnection()
                .getMetaData()
                .getDatabaseProductName()
                .toLowerCase()
                .contains("postgres");
        try (Statement sql = context.getConnection().createStatement()) {
            long highest = Math.max(
                    single(sql, "select coalesce(max(id), 0) from messages"),
                    single(sql, postgres ? "select nextval('messages_seq')" : "select next value for messages_seq"));
            sql.execute("alter sequence messages_seq restart with " + (highest + BLOCK) + " increment by " + BLOCK);
        }
    }

    private static long single(Statement sql, String query) throws SQLException {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }
}
