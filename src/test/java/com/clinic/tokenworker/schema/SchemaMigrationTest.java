package com.clinic.tokenworker.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class SchemaMigrationTest {

    private final SettableClock clock = SettableClock.startingAt("2026-07-01T00:00:00Z");

    @Test
    void startWhenSeveralWorkersStartAtOnceOnAnEmptyDatabaseThenTheSchemaIsCreatedOnce() throws Exception {
        startSeveralAtOnce(TestDatabase.freshDatabase());
    }

    @Test
    void startWhenSeveralWorkersStartAtOnceBesideTheWebTiersTablesThenOneBaselinesAndAllStart() throws Exception {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database.url(),
                database.username(), database.password());
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE clinic_patients (id bigint PRIMARY KEY, name text)");
        }
        startSeveralAtOnce(database);
    }

    @Test
    void startWhenAnotherWorkerIsMigratingThenThisOneWaitsForItBeforeTouchingTheSchema() throws Exception {
        DatabaseTarget database = TestDatabase.freshDatabase();
        ExecutorService starts = Executors.newSingleThreadExecutor();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             java.sql.Connection migrating = java.sql.DriverManager.getConnection(database.url(),
                     database.username(), database.password())) {
            migrating.createStatement().execute("SELECT pg_advisory_lock(" + OneMigrationAtATime.LOCK_KEY + ")");
            Future<TestWorker> start = starts.submit(() -> TestWorker.start(database,
                    FullscriptFixture.environmentFor(fullscript), clock));

            org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(2))
                    .atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> !start.isDone() && !historyTableExists(migrating));
            migrating.createStatement().execute("SELECT pg_advisory_unlock(" + OneMigrationAtATime.LOCK_KEY + ")");

            try (TestWorker worker = start.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                assertThat(tables(worker.jdbc())).contains("oauth_pending_code");
            }
        } finally {
            starts.shutdownNow();
        }
    }

    private static boolean historyTableExists(java.sql.Connection connection) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = connection.createStatement()
                .executeQuery("SELECT to_regclass('public.flyway_schema_history') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private void startSeveralAtOnce(DatabaseTarget database) throws Exception {
        ExecutorService starts = Executors.newFixedThreadPool(3);
        List<TestWorker> workers = new ArrayList<>();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            List<Future<TestWorker>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(starts.submit(() -> TestWorker.start(database, FullscriptFixture.environmentFor(fullscript),
                        clock)));
            }
            for (Future<TestWorker> future : futures) {
                workers.add(future.get());
            }
            JdbcClient jdbc = workers.get(0).jdbc();
            assertThat(jdbc.sql("SELECT version FROM flyway_schema_history WHERE success AND version <> '0' "
                    + "ORDER BY installed_rank").query(String.class).list())
                    .startsWith("1", "2", "3", "4").doesNotHaveDuplicates();
            assertThat(tables(jdbc)).contains("oauth_pending_code", "oauth_token", "batch_job_execution",
                    "qrtz_triggers", "qrtz_locks", "tokenworker_rate_bucket", "tokenworker_throttle");
        } finally {
            starts.shutdownNow();
            workers.forEach(TestWorker::close);
        }
    }

    @Test
    void startWhenQuartzAlreadyHoldsStateThenARestartKeepsIt() {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
            try (TestWorker first = TestWorker.start(database, env, clock)) {
                first.jdbc().sql("INSERT INTO qrtz_calendars (sched_name, calendar_name, calendar) "
                        + "VALUES ('other-node', 'holidays', '\\x00')").update();
            }
            try (TestWorker second = TestWorker.start(database, env, clock)) {
                assertThat(second.jdbc().sql("SELECT count(*) FROM qrtz_calendars").query(Long.class).single())
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void startWhenThePublicSchemaAlreadyHoldsTheWebTiersTablesThenTheWorkerMigratesBesideThem() throws Exception {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database.url(),
                database.username(), database.password());
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE clinic_patients (id bigint PRIMARY KEY, name text)");
        }
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            assertThat(tables(worker.jdbc())).contains("clinic_patients", "oauth_pending_code", "oauth_token");
        }
    }

    @Test
    void libraryDdlWhenAppliedThenDropAndCommitStatementsAreLeftOut() {
        List<String> quartz = new QuartzSchemaMigration().statements();

        assertThat(quartz).isNotEmpty().noneMatch(s -> s.toUpperCase().startsWith("DROP"))
                .noneMatch(s -> s.equalsIgnoreCase("COMMIT"));
        assertThat(quartz).anyMatch(s -> s.startsWith("CREATE TABLE QRTZ_JOB_DETAILS"));
        assertThat(new SpringBatchSchemaMigration().statements())
                .anyMatch(s -> s.startsWith("CREATE TABLE BATCH_JOB_EXECUTION"));
    }

    @Test
    void claimWhenTheTableIsFullOfFinalRowsThenThePartialIndexIsUsed() {
        String plan = claimPlanAfter("""
                INSERT INTO oauth_pending_code (code, redirect_uri, status, received_at)
                SELECT NULL, 'https://x', 'EXCHANGED', now() - interval '1 day' FROM generate_series(1, 50000)
                """, "INSERT INTO oauth_pending_code (code, redirect_uri) VALUES ('due', 'https://x')");

        assertThat(plan).contains("oauth_pending_code_due_idx").doesNotContain("Seq Scan");
    }

    @Test
    void claimWhenManyCodesShareAReceiptTimeThenTheIndexGivesTheirOrderWithoutASort() {
        // One statement, one receipt time: what a bulk insert or a replayed backlog looks like.
        String plan = claimPlanAfter("""
                INSERT INTO oauth_pending_code (code, redirect_uri)
                SELECT 'shared-' || g, 'https://x' FROM generate_series(1, 20000) g
                """);

        // received_at alone left every claim sorting the whole group of codes received together.
        assertThat(plan).contains("oauth_pending_code_due_idx").doesNotContain("Sort");
    }

    /** The claim's plan on a fresh, migrated database holding what {@code inserts} put there (analyzed). */
    private String claimPlanAfter(String... inserts) {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            JdbcClient jdbc = worker.jdbc();
            for (String insert : inserts) {
                jdbc.sql(insert).update();
            }
            jdbc.sql("ANALYZE oauth_pending_code").update();
            return claimPlan(jdbc);
        }
    }

    /** The plan of a claim's row selection, as PendingCodeRepository.claim orders and filters it. */
    private static String claimPlan(JdbcClient jdbc) {
        return String.join("\n", jdbc.sql("""
                EXPLAIN SELECT id FROM oauth_pending_code
                WHERE status IN ('PENDING', 'EXCHANGING')
                  AND (status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                       OR status = 'EXCHANGING' AND lease_until <= now())
                  AND received_at + interval '600 seconds' > now()
                ORDER BY received_at, id LIMIT 8 FOR UPDATE SKIP LOCKED
                """).query(String.class).list());
    }

    private static List<String> tables(JdbcClient jdbc) {
        return jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .query(String.class).list();
    }
}
