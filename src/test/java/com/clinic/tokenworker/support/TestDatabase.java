package com.clinic.tokenworker.support;

import com.clinic.tokenworker.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for the tests: the one named by TOKENWORKER_TEST_DATABASE_URL (with _USERNAME/_PASSWORD)
 * when set, otherwise an embedded one started once per test JVM. Each call to {@link #freshDatabase()} creates
 * a new empty database on it, so test classes never see each other's rows.
 */
public final class TestDatabase {

    private static DatabaseTarget server;
    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    public static synchronized DatabaseTarget freshDatabase() {
        DatabaseTarget admin = server();
        String name = "tw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(admin.url(), admin.username(), admin.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + admin.url(), e);
        }
        return new DatabaseTarget(replaceDatabase(admin.url(), name), admin.username(), admin.password());
    }

    private static DatabaseTarget server() {
        if (server != null) {
            return server;
        }
        String external = System.getenv("TOKENWORKER_TEST_DATABASE_URL");
        if (external != null && !external.isBlank()) {
            server = new DatabaseTarget(external, System.getenv("TOKENWORKER_TEST_DATABASE_USERNAME"),
                    System.getenv("TOKENWORKER_TEST_DATABASE_PASSWORD"));
            return server;
        }
        try {
            // A non-UTC server zone catches any instant that crosses JDBC without its offset.
            embedded = EmbeddedPostgres.builder()
                    .setServerConfig("timezone", "America/Toronto")
                    .setServerConfig("max_connections", "300")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for the tests", e);
        }
        server = new DatabaseTarget(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null);
        return server;
    }

    static String replaceDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
}
