package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.config.ConfigurationProblem;
import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The database a command works on: SPRING_DATASOURCE_URL, or else the embedded development PostgreSQL, which this
 * session starts and stops.
 */
final class DatabaseSession implements AutoCloseable {

    private final Optional<EmbeddedDatabase> startedHere;
    private final DatabaseTarget target;

    private DatabaseSession(Optional<EmbeddedDatabase> startedHere, DatabaseTarget target) {
        this.startedHere = startedHere;
        this.target = target;
    }

    static DatabaseSession open(TokenWorkerProperties properties) {
        if (properties.datasourceUrl().isPresent()) {
            return new DatabaseSession(Optional.empty(), external(properties));
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(properties.embeddedDataDir(), properties.embeddedPort());
        return new DatabaseSession(Optional.of(embedded), embedded.target());
    }

    /**
     * For a command that only reads ({@code status}): SPRING_DATASOURCE_URL; else the embedded PostgreSQL already
     * running on TOKENWORKER_EMBEDDED_PORT (a {@code daemon} in another terminal: a second server cannot start on
     * the same folder, and a reader must not stop the other's); else one started on the existing data folder for
     * the time of the read. Never creates a database: with neither, the problem names what to set.
     *
     * @param urlSetting how the user names the database URL: the variable, or {@code --database-url}
     */
    static DatabaseSession openForReading(TokenWorkerProperties properties, String urlSetting) {
        if (properties.datasourceUrl().isPresent()) {
            return open(properties);
        }
        DatabaseTarget running = embeddedOnPort(properties.embeddedPort());
        if (accepts(running)) {
            return new DatabaseSession(Optional.empty(), running);
        }
        if (!EmbeddedDatabase.holdsADatabase(properties.embeddedDataDir())) {
            throw new InvalidConfigurationException(List.of(new ConfigurationProblem(urlSetting,
                    "is not set, and there is no embedded development database to read in "
                            + properties.embeddedDataDir().toAbsolutePath().normalize() + " (status creates none; "
                            + "run or daemon does): set it to the worker's database, or "
                            + Setting.TOKENWORKER_EMBEDDED_DATA_DIR + " to the folder of an existing one",
                    "jdbc:postgresql://db.internal:5432/clinic")));
        }
        return open(properties);
    }

    DatabaseTarget target() {
        return target;
    }

    /** The embedded PostgreSQL this session started, if it started one. */
    Optional<EmbeddedDatabase> embedded() {
        return startedHere;
    }

    private static DatabaseTarget external(TokenWorkerProperties properties) {
        return new DatabaseTarget(properties.datasourceUrl().get(), properties.datasourceUsername().orElse(null),
                properties.datasourcePassword().orElse(null));
    }

    /** Where {@link EmbeddedDatabase} listens: its superuser on localhost, no password. */
    private static DatabaseTarget embeddedOnPort(int port) {
        return new DatabaseTarget("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
    }

    private static boolean accepts(DatabaseTarget target) {
        Properties login = new Properties();
        login.setProperty("user", target.username());
        login.setProperty("connectTimeout", "2");
        try (Connection connection = DriverManager.getConnection(target.url(), login)) {
            return connection.isValid(2);
        } catch (SQLException nothingThere) {
            return false;
        }
    }

    @Override
    public void close() {
        startedHere.ifPresent(EmbeddedDatabase::close);
    }
}
