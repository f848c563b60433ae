package com.clinic.tokenworker.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Applies DDL that a library ships inside its jar, once, as a versioned migration, instead of copying it into
 * the repository. DROP statements and explicit COMMITs are skipped: Quartz's script starts by dropping its
 * tables, which at every start would wipe a running cluster's state.
 */
abstract class ClasspathDdlMigration implements JavaMigration {

    private final String version;
    private final String description;
    private final String resource;

    ClasspathDdlMigration(String version, String description, String resource) {
        this.version = version;
        this.description = description;
        this.resource = resource;
    }

    /** The version as Flyway writes it in its history table. */
    String versionText() {
        return version;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(version);
    }

    @Override
    public String getDescription() {
        return description;
    }

    /** The checksum follows the statements we run, so a library upgrade that changes its DDL is noticed. */
    @Override
    public Integer getChecksum() {
        CRC32 crc = new CRC32();
        statements().forEach(s -> crc.update(s.getBytes(StandardCharsets.UTF_8)));
        return (int) crc.getValue();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements()) {
                statement.execute(sql);
            }
        }
    }

    List<String> statements() {
        String script = read();
        String withoutComments = script.lines()
                .filter(line -> !line.trim().startsWith("--"))
                .reduce(new StringBuilder(), (sb, line) -> sb.append(line).append('\n'), StringBuilder::append)
                .toString();
        return Arrays.stream(withoutComments.split(";"))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .filter(s -> !isDestructiveOrTransactionControl(s))
                .toList();
    }

    private static boolean isDestructiveOrTransactionControl(String sql) {
        String head = sql.toUpperCase(Locale.ROOT);
        return head.startsWith("DROP ") || head.equals("COMMIT") || head.startsWith("BEGIN");
    }

    private String read() {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
