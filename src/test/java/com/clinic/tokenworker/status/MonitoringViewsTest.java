package com.clinic.tokenworker.status;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The dashboard views of V7 over rows a real worker wrote. The views measure ages with the database's now(), so the
 * clock here follows real time.
 */
class MonitoringViewsTest {

    private static final List<String> VIEWS = List.of("tokenworker_code_summary", "tokenworker_recent_code_failures",
            "tokenworker_token_summary", "tokenworker_recent_executions", "tokenworker_unfinished_executions",
            "tokenworker_stuck_executions", "tokenworker_health");

    private static final SettableClock clock = new SettableClock(Instant.now());
    private static TimeZone originalZone;
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;

    @BeforeAll
    static void start() {
        // As cli.Main does for every worker process: the views read Batch's wall-clock columns as UTC.
        originalZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
        TimeZone.setDefault(originalZone);
    }

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE oauth_pending_code, oauth_token, tokenworker_rate_bucket").update();
        jdbc.sql("""
                TRUNCATE batch_step_execution_context, batch_step_execution, batch_job_execution_context,
                         batch_job_execution_params, batch_job_execution, batch_job_instance""").update();
        clock.set(Instant.now());
    }

    @Test
    void viewsWhenAWorkerRanThenSummariesCountEveryStatusAndTheRunIsListed() {
        insertCode(jdbc, fullscript.mintCode(REDIRECT_URI, "Practitioner", "prac-1"), "us", clock.instant());
        insertCode(jdbc, "code-too-old", "us", clock.instant().minus(Duration.ofMinutes(11)));
        JobExecution run = worker.runOnce();
        insertCode(jdbc, "code-waiting", "us", clock.instant().minus(Duration.ofMinutes(3)));

        List<Map<String, Object>> codes = jdbc.sql("SELECT * FROM tokenworker_code_summary").query().listOfRows();
        List<Map<String, Object>> tokens = jdbc.sql("SELECT * FROM tokenworker_token_summary").query().listOfRows();
        Map<String, Object> execution = jdbc.sql("SELECT * FROM tokenworker_recent_executions").query().singleRow();
        Map<String, Object> failure = jdbc.sql("SELECT * FROM tokenworker_recent_code_failures").query().singleRow();
        Map<String, Object> health = jdbc.sql("SELECT * FROM tokenworker_health").query().singleRow();

        assertThat(codes).extracting(r -> r.get("status"))
                .containsExactly("PENDING", "EXCHANGING", "EXCHANGED", "EXPIRED", "FAILED");
        assertThat(codes).extracting(r -> ((Number) r.get("codes")).longValue()).containsExactly(1L, 0L, 1L, 1L, 0L);
        assertThat(((Number) codes.get(0).get("oldest_seconds_left")).longValue()).isBetween(400L, 420L);
        assertThat(((Number) codes.get(3).get("finished_last_hour")).longValue()).isEqualTo(1);
        assertThat(tokens).extracting(r -> r.get("status"))
                .containsExactly("ACTIVE", "REFRESH_DUE", "REAUTH_REQUIRED", "REVOKE_REQUESTED", "REVOKED");
        assertThat(tokens).extracting(r -> ((Number) r.get("tokens")).longValue()).containsExactly(1L, 0L, 0L, 0L, 0L);
        assertThat(execution).containsEntry("job_execution_id", run.getId()).containsEntry("status", "COMPLETED")
                .containsEntry("launched_by", run.getJobParameters().getString("launchedBy"));
        assertThat((String) execution.get("steps")).startsWith("verifyCredentials COMPLETED").contains("; exchangeCodes COMPLETED read=1 write=1 filter=0: "
                + "exchanged=1 failed=0 expired=1");
        assertThat(failure).containsEntry("status", "EXPIRED");
        assertThat((String) failure.get("last_error")).contains("10-minute deadline");
        assertThat(health).containsEntry("waiting_codes", 1L).containsEntry("expired_last_hour", 1L)
                .containsEntry("failed_last_hour", 0L).containsEntry("stuck_executions", 0L)
                .containsEntry("throttled_until", null);
        assertThat(((Number) health.get("seconds_since_completed_run")).longValue()).isBetween(0L, 60L);
    }

    @Test
    void stuckExecutionsWhenARunWasLeftStartedAndSilentForSixMinutesThenListed() {
        JobExecution run = worker.runOnce();
        JobExecution silentBriefly = worker.runOnce();
        leaveStarted(run.getId(), Duration.ofMinutes(6));
        leaveStarted(silentBriefly.getId(), Duration.ofMinutes(1));

        List<Map<String, Object>> unfinished = jdbc.sql(
                "SELECT * FROM tokenworker_unfinished_executions ORDER BY job_execution_id").query().listOfRows();
        List<Map<String, Object>> stuck = jdbc.sql("SELECT * FROM tokenworker_stuck_executions").query().listOfRows();
        Map<String, Object> health = jdbc.sql("SELECT * FROM tokenworker_health").query().singleRow();

        assertThat(unfinished).extracting(r -> r.get("job_execution_id")).containsExactly(run.getId(),
                silentBriefly.getId());
        assertThat(stuck).extracting(r -> r.get("job_execution_id")).containsExactly(run.getId());
        assertThat(stuck.get(0)).containsEntry("status", "STARTED")
                .containsEntry("launched_by", run.getJobParameters().getString("launchedBy"));
        assertThat(health).containsEntry("unfinished_executions", 2L).containsEntry("stuck_executions", 1L);
    }

    @Test
    void viewsThenShowNoCodeAndNoTokenCiphertext() {
        List<String> columns = jdbc.sql("""
                        SELECT column_name FROM information_schema.columns
                        WHERE table_schema = current_schema() AND table_name IN (:views)""")
                .param("views", VIEWS)
                .query(String.class)
                .list();

        assertThat(columns).isNotEmpty()
                .doesNotContain("code", "access_token_ciphertext", "refresh_token_ciphertext", "encryption_key_id");
    }

    /** A killed pod's execution: STARTED, never ended, last written {@code silentFor} ago (database time, UTC). */
    private static void leaveStarted(long executionId, Duration silentFor) {
        String lastWrite = "(now() AT TIME ZONE 'UTC') - make_interval(secs => " + silentFor.toSeconds() + ")";
        jdbc.sql("UPDATE batch_job_execution SET status = 'STARTED', end_time = NULL, last_updated = " + lastWrite
                + ", start_time = " + lastWrite + ", create_time = " + lastWrite + " WHERE job_execution_id = :id")
                .param("id", executionId).update();
        jdbc.sql("UPDATE batch_step_execution SET status = 'STARTED', end_time = NULL, last_updated = " + lastWrite
                + " WHERE job_execution_id = :id").param("id", executionId).update();
    }
}
