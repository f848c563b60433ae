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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development default: a PostgreSQL started from the jar when SPRING_DATASOURCE_URL is unset, its data kept
 * in a local folder between runs and its URL printed, so a local web tier can insert codes into it.
 *
 * <p>Stopping it when the JVM exits: the JVM runs its shutdown hooks all at once, in no order. The library's own
 * hook stopped the server the moment SIGTERM arrived, while the command's graceful stop was still recording its
 * in-flight calls in it ("terminating connection due to administrator command", exit 1). So the library gets no
 * hook: this class's single hook stops what still runs, but first waits while a command that owns shutdown holds
 * the servers open ({@link #holdOpenOnExit()}); that command closes its server itself after its graceful stop.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /** Longer than any holder's own limit (TerminationSignal ends the process after 40 s): only a backstop. */
    private static final long HOLD_LIMIT_SECONDS = 60;
    private static final Set<EmbeddedDatabase> RUNNING = ConcurrentHashMap.newKeySet();
    private static final ReentrantLock HOLD_LOCK = new ReentrantLock();
    private static final Condition RELEASED = HOLD_LOCK.newCondition();
    private static int holds;
    private static boolean hookInstalled;

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
                    .setRegisterShutdownHook(false)
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
        RUNNING.add(database);
        installStopOnExit();
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

    /**
     * Keeps every embedded server running through JVM shutdown until the returned handle is closed (by the
     * command that owns shutdown, once its graceful stop is over). A server closed meanwhile stays closed.
     */
    public static Hold holdOpenOnExit() {
        HOLD_LOCK.lock();
        try {
            holds++;
        } finally {
            HOLD_LOCK.unlock();
        }
        return new Hold() {
            private boolean released;

            @Override
            public void close() {
                HOLD_LOCK.lock();
                try {
                    if (!released) {
                        released = true;
                        holds--;
                        RELEASED.signalAll();
                    }
                } finally {
                    HOLD_LOCK.unlock();
                }
            }
        };
    }

    /** What {@link #holdOpenOnExit()} returns; closing it twice is harmless. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /** Stops every embedded server of this JVM still running: the last step before a forced exit. */
    public static void stopAllStillRunning() {
        for (EmbeddedDatabase database : List.copyOf(RUNNING)) {
            database.close();
        }
    }

    private static synchronized void installStopOnExit() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedDatabase::stopOnExit, "embedded-postgres-stop"));
            hookInstalled = true;
        }
    }

    private static void stopOnExit() {
        HOLD_LOCK.lock();
        try {
            long nanos = TimeUnit.SECONDS.toNanos(HOLD_LIMIT_SECONDS);
            while (holds > 0 && nanos > 0) {
                nanos = RELEASED.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            HOLD_LOCK.unlock();
        }
        stopAllStillRunning();
    }

    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
