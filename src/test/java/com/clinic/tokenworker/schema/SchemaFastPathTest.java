package com.clinic.tokenworker.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class SchemaFastPathTest {

    private final SettableClock clock = SettableClock.startingAt("2026-07-01T00:00:00Z");
    private FakeFullscriptServer fullscript;
    private Map<String, String> env;

    @BeforeEach
    void startFullscript() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        env = FullscriptFixture.environmentFor(fullscript);
    }

    @AfterEach
    void stopFullscript() {
        fullscript.close();
    }

    @Test
    void jarMigrationsWhenListedWithoutFlywayThenMatchWhatFlywayRecorded() {
        DatabaseTarget database = migrated();
        try (TestWorker worker = TestWorker.start(database, env, clock)) {
            List<AppliedMigration> recorded = worker.jdbc().sql("""
                    SELECT version, description, type, checksum FROM flyway_schema_history
                    WHERE success AND type <> 'BASELINE'""")
                    .query((rs, n) -> new AppliedMigration(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getInt(4)))
                    .list();
            assertThat(JarMigrations.list()).hasValueSatisfying(
                    jar -> assertThat(jar).containsExactlyInAnyOrderElementsOf(recorded));
        }
    }

    @Test
    void startWhenTheSchemaHoldsEveryMigrationOfTheJarThenFlywayIsLeftOut() {
        DatabaseTarget database = migrated();

        assertThat(SchemaFastPath.isUpToDate(database)).isTrue();
        try (TestWorker worker = TestWorker.start(database, env, clock)) {
            assertThat(worker.context().getBeanProvider(Flyway.class).getIfAvailable()).isNull();
            assertThat(worker.runOnce().getStatus().isUnsuccessful()).isFalse();
        }
    }

    @Test
    void startWhenTheHistoryTableStartedBesideTheWebTiersTablesThenTheBaselineRowDoesNotStopTheFastPath()
            throws SQLException {
        DatabaseTarget database = TestDatabase.freshDatabase();
        execute(database, "CREATE TABLE clinic_patients (id bigint PRIMARY KEY)");
        TestWorker.start(database, env, clock).close();

        assertThat(count(database, "SELECT count(*) FROM flyway_schema_history WHERE type = 'BASELINE'"))
                .isEqualTo(1);
        assertThat(SchemaFastPath.isUpToDate(database)).isTrue();
    }

    @Test
    void startWhenAMigrationOfTheJarIsMissingThenFlywayAppliesIt() throws SQLException {
        DatabaseTarget database = migrated();
        // V13 undone, as on a database last migrated by the jar before it.
        execute(database, "DROP INDEX oauth_pending_code_due_idx");
        execute(database, "CREATE INDEX oauth_pending_code_due_idx ON oauth_pending_code (received_at) "
                + "WHERE status IN ('PENDING', 'EXCHANGING')");
        execute(database, "DELETE FROM flyway_schema_history WHERE version = '13'");

        assertThat(SchemaFastPath.isUpToDate(database)).isFalse();
        try (TestWorker worker = TestWorker.start(database, env, clock)) {
            assertThat(worker.context().getBeanProvider(Flyway.class).getIfAvailable()).isNotNull();
            JdbcClient jdbc = worker.jdbc();
            assertThat(jdbc.sql("SELECT count(*) FROM flyway_schema_history WHERE version = '13' AND success")
                    .query(Long.class).single()).isEqualTo(1);
            assertThat(jdbc.sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'oauth_pending_code_due_idx'")
                    .query(String.class).single()).contains("(received_at, id)");
        }
    }

    @Test
    void startWhenAnAppliedChecksumDiffersFromTheJarsThenFlywayRefusesToStartAsBefore() throws SQLException {
        DatabaseTarget database = migrated();
        execute(database, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '5'");

        assertThat(SchemaFastPath.isUpToDate(database)).isFalse();
        assertThatThrownBy(() -> TestWorker.start(database, env, clock).close())
                .hasStackTraceContaining("checksum mismatch");
    }

    @Test
    void isUpToDateWhenAMigrationFailedThenNo() throws SQLException {
        DatabaseTarget database = migrated();
        execute(database, "UPDATE flyway_schema_history SET success = false WHERE version = '12'");

        assertThat(SchemaFastPath.isUpToDate(database)).isFalse();
    }

    @Test
    void startWhenTheSchemaIsNewerThanTheJarThenFlywayJudgesItAsBefore() throws SQLException {
        DatabaseTarget database = migrated();
        execute(database, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) "
                + "SELECT max(installed_rank) + 1, '99', 'from a newer jar', 'SQL', 'V99__from_a_newer_jar.sql', "
                + "1, 'postgres', 1, true FROM flyway_schema_history");

        assertThat(SchemaFastPath.isUpToDate(database)).isFalse();
        try (TestWorker worker = TestWorker.start(database, env, clock)) {
            assertThat(worker.context().getBeanProvider(Flyway.class).getIfAvailable()).isNotNull();
        }
    }

    @Test
    void isUpToDateWhenThereIsNoHistoryTableThenNo() {
        assertThat(SchemaFastPath.isUpToDate(TestDatabase.freshDatabase())).isFalse();
    }

    @Test
    void flywaySettingsWhenSetOutsideTheJarThenTheFastPathStepsAside() {
        assertThat(SchemaFastPath.flywaySetOutside(Set.of("SPRING_FLYWAY_TABLE"), Set.of())).isTrue();
        assertThat(SchemaFastPath.flywaySetOutside(Set.of(), Set.of("spring.flyway.schemas"))).isTrue();
        assertThat(SchemaFastPath.flywaySetOutside(Set.of("spring.flyway.default-schema"), Set.of())).isTrue();
        assertThat(SchemaFastPath.flywaySetOutside(Set.of("SPRING_APPLICATION_JSON"), Set.of())).isTrue();
        assertThat(SchemaFastPath.flywaySetOutside(Set.of("SPRING_CONFIG_ADDITIONAL_LOCATION"), Set.of())).isTrue();
        assertThat(SchemaFastPath.flywaySetOutside(Set.of(), Set.of("spring.config.import"))).isTrue();
        assertThat(SchemaFastPath.flywaySetOutside(Set.of("SPRING_DATASOURCE_URL"), Set.of("java.home")))
                .isFalse();
    }

    private DatabaseTarget migrated() {
        DatabaseTarget database = TestDatabase.freshDatabase();
        TestWorker.start(database, env, clock).close();
        return database;
    }

    private static void execute(DatabaseTarget database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
                database.password()); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(DatabaseTarget database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
                database.password()); Statement statement = connection.createStatement();
             java.sql.ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
