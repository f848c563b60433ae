package com.clinic.tokenworker.schema;

import com.clinic.tokenworker.DatabaseTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before the Spring context starts, whether Flyway has anything to do. Making Flyway, scanning its
 * locations and validating the history costs about a second of every start, and on nearly every start the schema
 * is already up to date. With one SELECT on the history table this answers "up to date" only when Flyway's
 * {@code migrate} would have nothing to apply and nothing to refuse:
 * <ul>
 * <li>every migration the jar holds is there, successful, with the same version, description, type and
 * checksum;</li>
 * <li>every other row is the baseline ({@code spring.flyway.baseline-version=0});</li>
 * <li>no spring.flyway.* setting comes from outside application.properties.</li>
 * </ul>
 * Anything else (a missing or failed migration, a changed checksum, a newer schema than the jar, no history table,
 * no answer from the database) goes through Flyway as before, under {@link OneMigrationAtATime}'s lock, with
 * Flyway's own verdict. Skipping that lock here is safe: rows are only ever added, by a transaction that also
 * applied their migration, so a schema seen complete stays complete.
 */
public final class SchemaFastPath {

    private static final Logger log = LoggerFactory.getLogger(SchemaFastPath.class);

    static final String BASELINE_VERSION = "0";

    /**
     * Flyway uses the history table in the connection's current schema; the join keeps a table of the same name
     * further down the search_path out.
     */
    static final String HISTORY_QUERY = """
            SELECT h.version, h.description, h.type, h.checksum, h.success
            FROM flyway_schema_history h
            WHERE 'flyway_schema_history'::regclass = (
                SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relname = 'flyway_schema_history')
            """;

    private SchemaFastPath() {
    }

    /** Spring properties that leave Flyway out of the context, when {@link #isUpToDate} says so; else none. */
    public static Map<String, Object> springProperties(DatabaseTarget target) {
        return isUpToDate(target) ? Map.of("spring.flyway.enabled", false) : Map.of();
    }

    public static boolean isUpToDate(DatabaseTarget target) {
        if (flywaySetOutside(System.getenv().keySet(), System.getProperties().stringPropertyNames())) {
            return false;
        }
        Optional<List<AppliedMigration>> jar = JarMigrations.list();
        if (jar.isEmpty()) {
            return false;
        }
        try {
            return isUpToDate(jar.get(), history(target));
        } catch (SQLException e) {
            // No history table yet, or no database: Flyway (or the pool) reports it as before.
            log.debug("schema fast path not taken: {}", e.getSQLState());
            return false;
        } catch (RuntimeException e) {
            // The check is only a shortcut: whatever it trips on, Flyway decides as before.
            log.debug("schema fast path not taken: {}", e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * True when a Flyway setting may come from somewhere this check does not read (the environment in any of the
     * spellings Spring binds, a JSON blob, another configuration file): Flyway then decides, as before.
     */
    static boolean flywaySetOutside(Set<String> environment, Set<String> systemProperties) {
        return environment.stream()
                .map(name -> name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
                .anyMatch(name -> name.startsWith("SPRING_FLYWAY_") || name.equals("SPRING_APPLICATION_JSON")
                        || name.startsWith("SPRING_CONFIG_"))
                || systemProperties.stream().anyMatch(name -> name.startsWith("spring.flyway.")
                        || name.equals("spring.application.json") || name.startsWith("spring.config."));
    }

    static boolean isUpToDate(List<AppliedMigration> jar, List<HistoryRow> history) {
        Set<AppliedMigration> missing = new HashSet<>(jar);
        for (HistoryRow row : history) {
            if (!row.success()) {
                return false;
            }
            boolean baseline = "BASELINE".equals(row.migration().type())
                    && BASELINE_VERSION.equals(row.migration().version());
            if (!baseline && !jar.contains(row.migration())) {
                return false;
            }
            missing.remove(row.migration());
        }
        return missing.isEmpty();
    }

    record HistoryRow(AppliedMigration migration, boolean success) {
    }

    private static List<HistoryRow> history(DatabaseTarget target) throws SQLException {
        Properties login = new Properties();
        if (target.username() != null) {
            login.setProperty("user", target.username());
        }
        if (target.password() != null) {
            login.setProperty("password", target.password());
        }
        // A server that accepts the connection and then stalls must not hold the start longer than the pool would.
        login.setProperty("connectTimeout", "10");
        login.setProperty("loginTimeout", "10");
        login.setProperty("socketTimeout", "10");
        login.setProperty("logServerErrorDetail", "false");
        login.setProperty("ApplicationName", "fullscript-token-worker schema check");
        try (Connection connection = DriverManager.getConnection(target.url(), login);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(HISTORY_QUERY)) {
            List<HistoryRow> history = new ArrayList<>();
            while (rows.next()) {
                history.add(new HistoryRow(new AppliedMigration(rows.getString(1), rows.getString(2),
                        rows.getString(3), rows.getObject(4, Integer.class)), rows.getBoolean(5)));
            }
            return history;
        }
    }
}
