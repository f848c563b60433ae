package com.clinic.tokenworker.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.stereotype.Component;

/**
 * Runs Flyway under a PostgreSQL advisory lock, so that workers starting together on a database migrate one after
 * the other. Flyway locks its own history table, but on a schema that already holds other tables (the web tier's)
 * it must first create and baseline that table, and a second worker arriving in between would find it empty and
 * refuse to start. The lock is a session lock: it needs a direct or session-pooled connection (not PgBouncer's
 * transaction pooling).
 */
@Component
class OneMigrationAtATime implements FlywayMigrationStrategy {

    private static final Logger log = LoggerFactory.getLogger(OneMigrationAtATime.class);

    /** Any constant shared by every worker; advisory locks live per database. */
    static final long LOCK_KEY = 0x746f6b656e776bL;
    /** Far longer than any of our migrations takes; a wait beyond it means something is wrong. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final DataSource dataSource;

    OneMigrationAtATime(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void migrate(Flyway flyway) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            acquire(statement);
            RuntimeException failure = null;
            try {
                flyway.migrate();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                release(statement, failure);
            }
        } catch (SQLException e) {
            throw new SchemaMigrationLockException("cannot take the schema migration lock: " + e.getMessage(), e);
        }
    }

    private static void acquire(Statement statement) throws SQLException {
        if (query(statement, "SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            return;
        }
        log.info("another worker is migrating the schema; waiting for it (at most {})", MAX_WAIT);
        statement.execute("SET lock_timeout = '" + MAX_WAIT.toMillis() + "ms'");
        try {
            statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
        } finally {
            statement.execute("RESET lock_timeout");
        }
    }

    /** An unlock failure must not hide Flyway's own error, which is what the operator needs to see. */
    private static void release(Statement statement, RuntimeException failure) {
        try {
            if (!query(statement, "SELECT pg_advisory_unlock(" + LOCK_KEY + ")")) {
                log.warn("the schema migration lock was not held at release (a pooler between the worker and "
                        + "PostgreSQL?); other workers may wait for it until this connection closes");
            }
        } catch (SQLException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw new SchemaMigrationLockException("cannot release the schema migration lock", e);
            }
        }
    }

    private static boolean query(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getBoolean(1);
        }
    }
}
