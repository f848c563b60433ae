package com.clinic.tokenworker.bench;

import com.clinic.tokenworker.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The bench's own embedded PostgreSQL (zonky, like the tests). Its log goes to {@code postgres.log} with the
 * database name in every line, so a scenario can count the statements of its own database: statement logging
 * ({@code log_min_duration_statement = 0}) is switched on per database, only where a scenario counts.
 */
final class BenchDatabase implements AutoCloseable {

    static final String TEMPLATE = "bench_template";

    private final EmbeddedPostgres postgres;
    private final Path log;

    private BenchDatabase(EmbeddedPostgres postgres, Path log) {
        this.postgres = postgres;
        this.log = log;
    }

    static BenchDatabase start(Path out) {
        Path log = out.resolve("postgres.log");
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("log_line_prefix", "%m@%d@%p@")
                    .setServerConfig("log_timezone", "UTC")
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new BenchDatabase(postgres, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bench's embedded PostgreSQL", e);
        }
    }

    Path log() {
        return log;
    }

    DatabaseTarget target(String database) {
        return new DatabaseTarget(postgres.getJdbcUrl("postgres", database), "postgres", null);
    }

    /** An empty database (no schema): the worker migrates it on its first start. */
    DatabaseTarget createEmpty(String name) {
        admin("CREATE DATABASE " + name);
        return target(name);
    }

    /** A copy of the migrated template: what a scenario starts from. */
    DatabaseTarget createFromTemplate(String name) {
        admin("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        return target(name);
    }

    /** Every statement of every later session on {@code name} goes to the log, with its duration. */
    void logStatements(String name) {
        admin("ALTER DATABASE " + name + " SET log_min_duration_statement = 0");
    }

    String version() {
        try (Connection c = connect(target("postgres")); Statement s = c.createStatement();
             var rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection connect(DatabaseTarget target) throws SQLException {
        return DriverManager.getConnection(target.url(), target.username(), target.password());
    }

    private void admin(String sql) {
        try (Connection c = connect(target("postgres")); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run `" + sql + "`", e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
