package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
     * Like {@link #open}, but when another process of this machine (a {@code daemon} in another terminal) already
     * runs the embedded PostgreSQL on TOKENWORKER_EMBEDDED_PORT, uses that one: a second one cannot start on the same
     * data folder, and a reading command should not stop the other's.
     */
    static DatabaseSession openOrJoin(TokenWorkerProperties properties) {
        if (properties.datasourceUrl().isEmpty()) {
            DatabaseTarget running = embeddedOnPort(properties.embeddedPort());
            if (accepts(running)) {
                return new DatabaseSession(Optional.empty(), running);
            }
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
