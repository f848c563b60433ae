package com.clinic.tokenworker.history;

import static com.clinic.tokenworker.support.JobHistoryFixture.JOB;
import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.ExitCode;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.CommandLineRun;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.JobHistoryFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code purgeHistory} step on a real PostgreSQL, with the default TOKENWORKER_HISTORY_RETENTION (P30D) unless
 * a test says otherwise.
 */
class PurgeHistoryStepTest {

    private static final Duration RETENTION = Duration.ofDays(30);

    /** Starts at the real time: Spring Batch stamps its tables with the system clock, the purge compares this one. */
    private static final SettableClock clock = new SettableClock(Instant.now());
    private static DatabaseTarget database;
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;
    private static JobHistoryFixture history;

    @BeforeAll
    static void start() {
        database = TestDatabase.freshDatabase();
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
        history = new JobHistoryFixture(jdbc);
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE oauth_pending_code, oauth_token, tokenworker_rate_bucket").update();
        jdbc.sql("""
                TRUNCATE batch_step_execution_context, batch_step_execution, batch_job_execution_context,
                         batch_job_execution_params, batch_job_execution, batch_job_instance""").update();
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void purgeWhenHistoryIsOlderThanTheRetentionThenItGoesAndWhatIsRecentUnfinishedOrNotOursStays() {
        JobExecution aged = worker.runOnce();
        long agedInstance = aged.getJobInstance().getInstanceId();
        clock.advance(RETENTION.plusDays(1));
        Instant now = clock.instant();
        Instant old = now.minus(RETENTION).minusSeconds(1);
        long recent = history.executions(JOB, 1, "COMPLETED", now.minus(Duration.ofDays(29)),
                now.minus(Duration.ofDays(29))).get(0);
        long leftRunning = history.executions(JOB, 1, "STARTED", now.minus(Duration.ofDays(40)), null).get(0);
        long runningWithAnEndTime = history.executions(JOB, 1, "STOPPING", now.minus(Duration.ofDays(40)),
                now.minus(Duration.ofDays(40))).get(0);
        long anotherJob = history.executions("someOtherJob", 1, "COMPLETED", now.minus(Duration.ofDays(40)),
                now.minus(Duration.ofDays(40))).get(0);
        long exchangedOld = finishedCode("EXCHANGED", old);
        long expiredOld = finishedCode("EXPIRED", old);
        long failedOld = finishedCode("FAILED", old);
        long atTheCutoff = finishedCode("FAILED", now.minus(RETENTION));
        long exchangedRecent = finishedCode("EXCHANGED", now.minus(Duration.ofDays(29)));
        long stillExchanging = exchangingForever(now.minus(Duration.ofDays(40)));
        long revokedOld = token("revoked-old", "REVOKED", old);
        long revokedRecent = token("revoked-recent", "REVOKED", now.minus(Duration.ofDays(29)));
        long reauthOld = token("reauth-old", "REAUTH_REQUIRED", old);
        long activeOld = token("active-old", "ACTIVE", old);

        JobExecution run = worker.runOnce();

        assertThat(run.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(history.rowsOfExecution(aged.getId())).as("execution, params, contexts, steps").isZero();
        assertThat(instanceExists(agedInstance)).as("its instance, left without executions").isFalse();
        assertThat(executionIds()).containsExactlyInAnyOrder(recent, leftRunning, runningWithAnEndTime, anotherJob,
                run.getId());
        assertThat(history.rowsOfExecution(recent)).isEqualTo(1 + 3 + 1 + 5 + 5);
        assertThat(ids("oauth_pending_code")).containsExactlyInAnyOrder(atTheCutoff, exchangedRecent, stillExchanging)
                .doesNotContain(exchangedOld, expiredOld, failedOld);
        assertThat(ids("oauth_token")).containsExactlyInAnyOrder(revokedRecent, reauthOld, activeOld)
                .doesNotContain(revokedOld);
        StepExecution purge = step(run, "purgeHistory");
        assertThat(purge.getWriteCount()).isEqualTo(1 + 3 + 1);
        assertThat(purge.getExitStatus().getExitDescription())
                .contains("job_executions=1 (step_executions=6, job_instances=1) codes=3 revoked_tokens=1")
                .contains("older than " + now.minus(RETENTION) + " (TOKENWORKER_HISTORY_RETENTION P30D)")
                .doesNotContain("per-run bound");
    }

    @Test
    void purgeWhenMoreOldHistoryThanOneRunsBoundThenARunTakesTheBoundAndTheNextRunTheRest() {
        Instant longAgo = clock.instant().minus(Duration.ofDays(45));
        history.executions(JOB, PurgeHistoryTasklet.EXECUTIONS_PER_RUN + 150, "COMPLETED", longAgo, longAgo);
        history.finalCodes(PurgeHistoryTasklet.CODES_PER_RUN + 500, "EXCHANGED", longAgo);

        StepExecution first = step(worker.runOnce(), "purgeHistory");
        long executionsLeftAfterFirst = history.count("batch_job_execution");
        long codesLeftAfterFirst = history.count("oauth_pending_code");
        StepExecution second = step(worker.runOnce(), "purgeHistory");
        StepExecution third = step(worker.runOnce(), "purgeHistory");

        assertThat(first.getWriteCount()).isEqualTo(PurgeHistoryTasklet.EXECUTIONS_PER_RUN
                + PurgeHistoryTasklet.CODES_PER_RUN);
        assertThat(first.getExitStatus().getExitDescription())
                .contains("job_executions=1000 (step_executions=5000, job_instances=1000) codes=10000")
                .contains("at the per-run bound (codes 10000, job_executions 1000): the next runs go on");
        assertThat(executionsLeftAfterFirst).as("150 old ones and the run itself").isEqualTo(150 + 1);
        assertThat(codesLeftAfterFirst).isEqualTo(500);
        assertThat(second.getWriteCount()).isEqualTo(150 + 500);
        assertThat(second.getExitStatus().getExitDescription()).doesNotContain("per-run bound");
        assertThat(third.getWriteCount()).isZero();
        assertThat(history.count("batch_job_execution")).as("the three runs themselves").isEqualTo(3);
        assertThat(history.count("batch_step_execution")).isEqualTo(3 * 6);
        assertThat(history.count("batch_job_instance")).isEqualTo(3);
        assertThat(history.count("oauth_pending_code")).isZero();
    }

    @Test
    void purgeWhenTheRetentionIsSetThenItIsTheOneApplied() {
        Instant now = clock.instant();
        long threeDaysOld = finishedCode("EXPIRED", now.minus(Duration.ofDays(3)));
        long oneDayOld = finishedCode("EXPIRED", now.minus(Duration.ofDays(1)).plusSeconds(60));
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_HISTORY_RETENTION", "P2D");

        try (TestWorker twoDays = TestWorker.start(database, env, clock)) {
            StepExecution purge = step(twoDays.runOnce(), "purgeHistory");

            assertThat(ids("oauth_pending_code")).containsExactly(oneDayOld).doesNotContain(threeDaysOld);
            assertThat(purge.getExitStatus().getExitDescription()).contains("TOKENWORKER_HISTORY_RETENTION P2D");
        }
    }

    @Test
    void purgeWhenHistoryWasPurgedThenTheJobStillExchangesAndStatusReportsHealthy() {
        Instant longAgo = clock.instant().minus(Duration.ofDays(60));
        history.executions(JOB, 40, "COMPLETED", longAgo, longAgo);
        history.finalCodes(40, "EXCHANGED", longAgo);
        assertThat(step(worker.runOnce(), "purgeHistory").getWriteCount()).isEqualTo(80);
        String code = fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-after-purge");
        long codeId = insertCode(jdbc, code, "us", clock.instant());

        JobExecution afterPurge = worker.runOnce();
        CommandLineRun status = CommandLineRun.execute(statusEnvironment(), clock, "status");

        assertThat(afterPurge.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(codeRow(jdbc, codeId)).containsEntry("status", "EXCHANGED");
        assertThat(status.exitCode()).isEqualTo(ExitCode.OK.code());
        assertThat(status.out()).contains("HEALTHY")
                .contains("tokenMaintenanceJob runs: 2 in total")
                .contains("purgeHistory COMPLETED read=0 write=80 filter=0: job_executions=40")
                .containsPattern("(?m)^  EXCHANGED +1$");
        assertThat(status.err()).isEmpty();
    }

    private static long finishedCode(String status, Instant finishedAt) {
        return jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, region, redirect_uri, received_at, status, attempts,
                            finished_at)
                        VALUES (NULL, 'us', :redirectUri, :receivedAt, :status, 1, :finishedAt)
                        RETURNING id""")
                .param("redirectUri", REDIRECT_URI)
                .param("receivedAt", SqlTime.of(finishedAt.minusSeconds(3)))
                .param("status", status)
                .param("finishedAt", SqlTime.of(finishedAt))
                .query(Long.class)
                .single();
    }

    /**
     * A row still under a live lease, however old. It carries a finished_at it could never have, so that only its
     * status keeps it.
     */
    private static long exchangingForever(Instant receivedAt) {
        return jdbc.sql("""
                        INSERT INTO oauth_pending_code (code, region, redirect_uri, received_at, status, attempts,
                            lease_owner, lease_until, finished_at)
                        VALUES ('code-in-flight', 'us', :redirectUri, :receivedAt, 'EXCHANGING', 1, 'another-worker',
                            :leaseUntil, :receivedAt)
                        RETURNING id""")
                .param("redirectUri", REDIRECT_URI)
                .param("receivedAt", SqlTime.of(receivedAt))
                .param("leaseUntil", SqlTime.of(clock.instant().plus(Duration.ofHours(1))))
                .query(Long.class)
                .single();
    }

    /** A token row last changed at {@code updatedAt}; a REVOKED one holds no ciphertext, as the revocation leaves it. */
    private static long token(String ownerId, String status, Instant updatedAt) {
        boolean revoked = status.equals("REVOKED");
        return jdbc.sql("""
                        INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, issued_at, expires_at,
                            status, access_token_ciphertext, refresh_token_ciphertext, created_at, updated_at)
                        VALUES ('us', 'Practitioner', :ownerId, :updatedAt, :expiresAt, :status, :ciphertext,
                            :ciphertext, :updatedAt, :updatedAt)
                        RETURNING id""")
                .param("ownerId", ownerId)
                .param("updatedAt", SqlTime.of(updatedAt))
                // far ahead, so flagExpiringTokens leaves the row alone
                .param("expiresAt", SqlTime.of(clock.instant().plus(Duration.ofDays(365))))
                .param("status", status)
                .param("ciphertext", revoked ? null : new byte[] {1})
                .query(Long.class)
                .single();
    }

    private static List<Long> executionIds() {
        return jdbc.sql("SELECT job_execution_id FROM batch_job_execution").query(Long.class).list();
    }

    private static List<Long> ids(String table) {
        return jdbc.sql("SELECT id FROM " + table).query(Long.class).list();
    }

    private static boolean instanceExists(long instanceId) {
        return jdbc.sql("SELECT count(*) FROM batch_job_instance WHERE job_instance_id = :id").param("id", instanceId)
                .query(Long.class).single() == 1;
    }

    private static Map<String, String> statusEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("SPRING_DATASOURCE_URL", database.url());
        if (database.username() != null) {
            environment.put("SPRING_DATASOURCE_USERNAME", database.username());
        }
        if (database.password() != null) {
            environment.put("SPRING_DATASOURCE_PASSWORD", database.password());
        }
        return environment;
    }
}
