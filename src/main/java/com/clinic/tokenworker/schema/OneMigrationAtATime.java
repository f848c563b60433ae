package com.clinic.tokenworker.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * Runs Flyway under a PostgreSQL advisory lock, so that workers starting together on a database migrate one after
 * the other. Flyway locks its own history table, but on a schema that already holds other tables (the web tier's)
 * it must first create and baseline that table, and a second worker arriving in between would find it empty and
 * refuse to start.
 */
@Component
class OneMigrationAtATime implements FlywayMigrationStrategy {

    /** Any constant shared by every worker; advisory locks live per database. */
    static final long LOCK_KEY = 0x746f6b656e776bL;

    private final DataSource dataSource;

    OneMigrationAtATime(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void migrate(Flyway flyway) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            try {
                flyway.migrate();
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        } catch (SQLException e) {
            throw new CannotGetJdbcConnectionException("cannot take the migration lock", e);
        }
    }
}
