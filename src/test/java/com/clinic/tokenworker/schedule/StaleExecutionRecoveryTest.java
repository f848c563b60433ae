package com.clinic.tokenworker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The stale-execution rules against real job tables: a launcher's liveness lock free = dead, held = alive; without
 * a lock (an older worker), heartbeat older than TOKENWORKER_MAX_RUN_DURATION = dead.
 */
@ExtendWith(OutputCaptureExtension.class)
class StaleExecutionRecoveryTest {

    private static final Duration MAX_RUN = Duration.ofMinutes(5);
    private static final SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
    private static final AtomicLong launches = new AtomicLong();
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;
    private static JobRepository jobRepository;
    private static StaleExecutionRecovery recovery;

    @BeforeAll
    static void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_MAX_RUN_DURATION", MAX_RUN.toString());
        worker = TestWorker.start(TestDatabase.freshDatabase(), env, clock);
        jdbc = worker.jdbc();
        jobRepository = worker.bean(JobRepository.class);
        recovery = worker.bean(StaleExecutionRecovery.class);
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void recoverWhenStepHeartbeatIsOlderThanMaxRunDurationThenExecutionAndStepEndFailed(CapturedOutput output) {
        long id = givenExecution(BatchStatus.STARTED, ago(Duration.ofMinutes(20)), ago(MAX_RUN.plusSeconds(1)));

        assertThat(recovery.recoverStaleExecutions()).containsExactly(id);

        Map<String, Object> job = jobRow(id);
        assertThat(job).containsEntry("status", "FAILED").containsEntry("exit_code", "FAILED");
        assertThat(job.get("end_time")).isNotNull();
        assertThat((String) job.get("exit_message")).contains("TOKENWORKER_MAX_RUN_DURATION (PT5M)");
        assertThat(stepRow(id)).containsEntry("status", "FAILED").containsEntry("exit_code", "FAILED");
        assertThat(output).contains("job execution " + id + " of tokenMaintenanceJob (launched by dead-pod/1/x")
                .contains("longer than TOKENWORKER_MAX_RUN_DURATION");
    }

    @Test
    void recoverWhenExecutionStartedLongAgoButItsStepCommittedRecentlyThenItIsLeftAlone() {
        long id = givenExecution(BatchStatus.STARTED, ago(Duration.ofHours(3)), ago(Duration.ofSeconds(10)));

        assertThat(recovery.recoverStaleExecutions()).doesNotContain(id);

        assertThat(jobRow(id)).containsEntry("status", "STARTED").containsEntry("end_time", null);
        assertThat(stepRow(id)).containsEntry("status", "STARTED");
    }

    @Test
    void recoverWhenHeartbeatIsExactlyMaxRunDurationOldThenItIsLeftAlone() {
        long id = givenExecution(BatchStatus.STARTED, ago(Duration.ofHours(1)), ago(MAX_RUN));

        assertThat(recovery.recoverStaleExecutions()).doesNotContain(id);
        assertThat(jobRow(id)).containsEntry("status", "STARTED");
    }

    @Test
    void recoverWhenStoppingExecutionWentSilentThenFailed() {
        long id = givenExecution(BatchStatus.STOPPING, ago(Duration.ofMinutes(30)), ago(Duration.ofMinutes(6)));

        assertThat(recovery.recoverStaleExecutions()).contains(id);
        assertThat(jobRow(id)).containsEntry("status", "FAILED");
    }

    @Test
    void recoverWhenProcessDiedBeforeTheFirstStepThenTheExecutionHeartbeatDecides() {
        long dead = givenExecution(BatchStatus.STARTING, ago(Duration.ofMinutes(6)), null);
        long young = givenExecution(BatchStatus.STARTING, ago(Duration.ofSeconds(5)), null);

        assertThat(recovery.recoverStaleExecutions()).contains(dead).doesNotContain(young);
        assertThat(jobRow(young)).containsEntry("status", "STARTING");
    }

    @Test
    void recoverWhenExecutionHasEndedThenItIsNeverTouched() {
        long id = givenExecution(BatchStatus.COMPLETED, ago(Duration.ofDays(2)), ago(Duration.ofDays(2)));

        assertThat(recovery.recoverStaleExecutions()).doesNotContain(id);
        assertThat(jobRow(id)).containsEntry("status", "COMPLETED");
    }

    @Test
    void recoverWhenTheLaunchingProcessStillHoldsItsLivenessLockThenEvenALongSilentExecutionIsLeftAlone()
            throws SQLException {
        String launcher = "slow-pod/1/a" + WorkerIdentity.LIVENESS_MARK;
        long id;
        try (Connection session = sessionHoldingLivenessLockOf(launcher)) {
            id = givenExecution(BatchStatus.STARTED, ago(Duration.ofHours(2)), ago(Duration.ofHours(1)), launcher);

            assertThat(recovery.recoverStaleExecutions()).doesNotContain(id);
            assertThat(jobRow(id)).containsEntry("status", "STARTED");
        }
        // The session ended (the process died): now it is dead, without waiting for anything.
        assertThat(recovery.recoverStaleExecutions()).containsExactly(id);
    }

    @Test
    void recoverWhenTheLaunchingProcessLivenessLockIsFreeThenFailedAtOnceHoweverFreshItsHeartbeat(
            CapturedOutput output) {
        long id = givenExecution(BatchStatus.STARTED, ago(Duration.ofSeconds(3)), ago(Duration.ofSeconds(1)),
                "killed-pod/1/b" + WorkerIdentity.LIVENESS_MARK);

        assertThat(recovery.recoverStaleExecutions()).containsExactly(id);

        assertThat(jobRow(id)).containsEntry("status", "FAILED");
        assertThat((String) jobRow(id).get("exit_message")).contains("its process is gone");
        assertThat(output).contains("job execution " + id + " of tokenMaintenanceJob (launched by killed-pod/1/b");
    }

    @Test
    void configurationWhenMaxRunDurationDoesNotExceedTheLeaseThenRejected() {
        Map<String, String> env = new HashMap<>(FullscriptFixture.environmentFor(fullscript));
        env.put("TOKENWORKER_LEASE", "PT45S");
        env.put("TOKENWORKER_MAX_RUN_DURATION", "PT45S");

        assertThatThrownBy(() -> TokenWorkerProperties.fromEnvironment(env))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("TOKENWORKER_MAX_RUN_DURATION")
                .hasMessageContaining("must exceed TOKENWORKER_LEASE");
    }

    private static Instant ago(Duration duration) {
        return clock.instant().minus(duration);
    }

    /**
     * An execution as a killed process leaves it: created through the real repository, then its timestamps moved
     * to the given heartbeats (Batch writes them as local date-times of the JVM zone, so they are written so here).
     */
    private static long givenExecution(BatchStatus status, Instant jobHeartbeat, Instant stepHeartbeat) {
        return givenExecution(status, jobHeartbeat, stepHeartbeat, "dead-pod/1/x");
    }

    /** A session of another process that holds the liveness lock of {@code launcher}, as LivenessLock does. */
    private static Connection sessionHoldingLivenessLockOf(String launcher) throws SQLException {
        Connection session = worker.bean(SessionConnections.class).open("test liveness");
        try (PreparedStatement lock = session.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, new WorkerIdentity(launcher).livenessLockKey());
            lock.execute();
        }
        return session;
    }

    private static long givenExecution(BatchStatus status, Instant jobHeartbeat, Instant stepHeartbeat,
                                       String launchedBy) {
        JobParameters parameters = new JobParametersBuilder()
                .addString(TokenMaintenanceLauncher.FIRE_TIME, jobHeartbeat.toString())
                .addString(TokenMaintenanceLauncher.LAUNCHED_BY, launchedBy)
                .addLong(TokenMaintenanceLauncher.LAUNCH_NUMBER, launches.incrementAndGet())
                .toJobParameters();
        JobInstance instance = jobRepository.createJobInstance(TokenMaintenanceJobConfiguration.JOB_NAME, parameters);
        JobExecution execution = jobRepository.createJobExecution(instance, parameters, new ExecutionContext());
        execution.setStatus(status);
        execution.setStartTime(local(jobHeartbeat));
        if (!status.isRunning()) {
            execution.setEndTime(local(jobHeartbeat));
        }
        jobRepository.update(execution);
        jdbc.sql("UPDATE batch_job_execution SET create_time = :t, start_time = :t, last_updated = :t "
                        + "WHERE job_execution_id = :id")
                .param("t", local(jobHeartbeat)).param("id", execution.getId()).update();
        if (stepHeartbeat != null) {
            StepExecution step = jobRepository.createStepExecution(TokenMaintenanceJobConfiguration.EXCHANGE_STEP,
                    execution);
            step.setStatus(status.isRunning() ? BatchStatus.STARTED : status);
            jobRepository.update(step);
            jdbc.sql("UPDATE batch_step_execution SET start_time = :start, last_updated = :t "
                            + "WHERE step_execution_id = :id")
                    .param("start", local(jobHeartbeat)).param("t", local(stepHeartbeat)).param("id", step.getId())
                    .update();
        }
        return execution.getId();
    }

    private static LocalDateTime local(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneId.systemDefault());
    }

    private static Map<String, Object> jobRow(long id) {
        return new HashMap<>(jdbc.sql("SELECT * FROM batch_job_execution WHERE job_execution_id = :id")
                .param("id", id).query().singleRow());
    }

    private static Map<String, Object> stepRow(long jobExecutionId) {
        return new HashMap<>(jdbc.sql("SELECT * FROM batch_step_execution WHERE job_execution_id = :id")
                .param("id", jobExecutionId).query().singleRow());
    }
}
