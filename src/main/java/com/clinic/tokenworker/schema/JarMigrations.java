package com.clinic.tokenworker.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The migrations this jar holds, listed without Flyway: the SQL files under db/migration (sql/ in the repository)
 * and the library DDL migrations. Version, description and checksum follow Flyway's own rules; a test compares
 * them with what Flyway records, so a Flyway upgrade that changes a rule is noticed there, and until then only
 * makes the fast path miss (the schema check then falls back to Flyway), never take it wrongly.
 */
final class JarMigrations {

    private static final Pattern VERSIONED_SQL = Pattern.compile("V([0-9][0-9_.]*)__(.+)\\.sql");

    private JarMigrations() {
    }

    /** Empty when a file under db/migration is not a plain versioned SQL migration: Flyway must judge it. */
    static Optional<List<AppliedMigration>> list() {
        List<AppliedMigration> migrations = new ArrayList<>();
        for (ClasspathDdlMigration library : List.of(new SpringBatchSchemaMigration(), new QuartzSchemaMigration())) {
            migrations.add(new AppliedMigration(library.versionText(), library.getDescription(), "JDBC",
                    library.getChecksum()));
        }
        try {
            Resource[] files = new PathMatchingResourcePatternResolver(JarMigrations.class.getClassLoader())
                    .getResources("classpath*:db/migration/**/*");
            for (Resource file : files) {
                String name = file.getFilename();
                if (name == null || name.isEmpty() || !file.isReadable()) {
                    continue; // a folder
                }
                Matcher versioned = VERSIONED_SQL.matcher(name);
                if (!versioned.matches()) {
                    return Optional.empty();
                }
                migrations.add(new AppliedMigration(versioned.group(1).replace('_', '.'),
                        versioned.group(2).replace('_', ' '), "SQL", checksum(file)));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(migrations));
    }

    /** Flyway's: CRC32 of the UTF-8 bytes of each line without its line break, the byte order mark left out. */
    private static int checksum(Resource file) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8), 4096)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }
}
