package com.clinic.tokenworker.embedded;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.config.ConfigurationProblem;
import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.Setting;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development default: a PostgreSQL started from the jar when SPRING_DATASOURCE_URL is unset, its data kept
 * in a local folder between runs and its URL printed, so a local web tier can insert codes into it.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final DatabaseTarget target;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.target = new DatabaseTarget(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
    }

    /**
     * @throws InvalidConfigurationException when the port or the folder is taken by another process: the fix is
     *                                       a variable, and the message names it
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        Path directory = dataDirectory.toAbsolutePath().normalize();
        requirePortFree(port);
        EmbeddedPostgres postgres;
        try {
            Files.createDirectories(directory);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).contains("could not lock")) {
                throw problem(Setting.TOKENWORKER_EMBEDDED_DATA_DIR, "the embedded PostgreSQL folder " + directory
                        + " is in use by another worker process (run, daemon, status or demo); stop it, or point "
                        + "this one at another folder", "./.tokenworker/pgdata-2");
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + directory + " on port " + port
                    + ": " + e.getMessage() + " (set TOKENWORKER_EMBEDDED_DATA_DIR to a writable folder, or "
                    + "SPRING_DATASOURCE_URL to use your own PostgreSQL)", e);
        }
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, directory);
        database.requireOwnServer(port);
        log.warn("SPRING_DATASOURCE_URL is not set: using an embedded PostgreSQL for DEVELOPMENT only "
                + "(data in {}, port {}). Connect a local web tier with: {} (user postgres, no password)",
                directory, port, database.target.url());
        return database;
    }

    /**
     * Whether {@code dataDirectory} holds a PostgreSQL cluster (initdb writes PG_VERSION first), so that a reading
     * command can start on it without creating one.
     */
    public static boolean holdsADatabase(Path dataDirectory) {
        return Files.isRegularFile(dataDirectory.resolve("PG_VERSION"));
    }

    /**
     * When the port is taken, PostgreSQL fails to listen but the library's readiness probe still reaches whatever
     * answers there (another worker's embedded database, say), and this process would silently use that one.
     */
    private static void requirePortFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            // As PostgreSQL does: connections of a server just stopped linger in TIME_WAIT, and they must not
            // count as "in use"; a listening socket still does.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw problem(Setting.TOKENWORKER_EMBEDDED_PORT, "port " + port + " is already in use (another worker "
                    + "process, or a PostgreSQL of your own?); choose a free port for the embedded PostgreSQL",
                    String.valueOf(port == 65535 ? port - 1 : port + 1));
        }
    }

    /** Belt and braces for the race the port probe leaves open: the server that answered must own our folder. */
    private void requireOwnServer(int port) {
        String served;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW data_directory")) {
            row.next();
            served = row.getString(1);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("the embedded PostgreSQL on port " + port + " does not answer: "
                    + e.getMessage(), e);
        }
        if (!sameFolder(Path.of(served), dataDirectory)) {
            close();
            throw problem(Setting.TOKENWORKER_EMBEDDED_PORT, "port " + port + " is served by another PostgreSQL "
                    + "(its data is in " + served + ", not " + dataDirectory + ")", String.valueOf(port + 1));
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static InvalidConfigurationException problem(Setting setting, String expectation, String example) {
        return new InvalidConfigurationException(List.of(ConfigurationProblem.of(setting, expectation, example)));
    }

    public DatabaseTarget target() {
        return target;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
