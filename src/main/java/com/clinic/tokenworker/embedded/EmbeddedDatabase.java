package com.clinic.tokenworker.embedded;

import com.clinic.tokenworker.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.target = new DatabaseTarget(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
    }

    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory.toAbsolutePath())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres);
            log.warn("SPRING_DATASOURCE_URL is not set: using an embedded PostgreSQL for DEVELOPMENT only "
                    + "(data in {}). Connect a local web tier with: {} (user postgres, no password)",
                    dataDirectory.toAbsolutePath(), database.target.url());
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory
                    + " on port " + port + " (set TOKENWORKER_EMBEDDED_PORT or SPRING_DATASOURCE_URL)", e);
        }
    }

    public DatabaseTarget target() {
        return target;
    }

    public int port() {
        return postgres.getPort();
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
