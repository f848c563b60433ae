package com.clinic.tokenworker.schema;

import static com.clinic.tokenworker.support.JobHistoryFixture.JOB;
import static com.clinic.tokenworker.support.JobHistoryFixture.batchTime;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.JobHistoryFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The lookups Spring Batch makes at every step start and every scheduled fire, and the purge's, use V9's indexes
 * once the tables are large (without them each is a sequential scan that grows with the history). The queries are
 * Batch 6's own (JdbcStepExecutionDao, JdbcJobExecutionDao), with the prefix filled in.
 */
class BatchIndexesTest {

    private static final SettableClock clock = new SettableClock(Instant.now());
    private static FakeFullscriptServer fullscript;
    private static TestWorker worker;
    private static JdbcClient jdbc;
    private static long someExecution;

    /** Three weeks of a daemon's history, compressed: 20,000 executions, 100,000 steps, a few runs still open. */
    @BeforeAll
    static void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock);
        jdbc = worker.jdbc();
        JobHistoryFixture history = new JobHistoryFixture(jdbc);
        Instant now = clock.instant();
        history.executions(JOB, 100, "COMPLETED", now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(40)));
        List<Long> recent = history.executions(JOB, 19_900, "COMPLETED", now.minus(Duration.ofDays(20)),
                now.minus(Duration.ofDays(20)));
        history.executions(JOB, 2, "STARTED", now.minus(Duration.ofMinutes(1)), null);
        someExecution = recent.get(recent.size() / 2);
        jdbc.sql("ANALYZE").update();
    }

    @AfterAll
    static void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void stepExecutionsWhenLookedUpByJobExecutionThenTheIndexIsUsed() {
        String plan = plan("""
                SELECT STEP_EXECUTION_ID, STEP_NAME, START_TIME, END_TIME, STATUS, COMMIT_COUNT, READ_COUNT,
                       FILTER_COUNT, WRITE_COUNT, EXIT_CODE, EXIT_MESSAGE, READ_SKIP_COUNT, WRITE_SKIP_COUNT,
                       PROCESS_SKIP_COUNT, ROLLBACK_COUNT, LAST_UPDATED, VERSION, CREATE_TIME
                FROM BATCH_STEP_EXECUTION
                WHERE JOB_EXECUTION_ID = %d ORDER BY STEP_EXECUTION_ID""".formatted(someExecution));

        assertThat(history().count("batch_step_execution")).isGreaterThan(100_000);
        assertThat(plan).contains("batch_step_execution_job_execution_idx").doesNotContain("Seq Scan");
    }

    @Test
    void lastStepExecutionWhenAStepStartsThenExecutionsAreFoundByInstanceAndStepsByExecution() {
        String plan = plan("""
                SELECT COUNT(*)
                FROM BATCH_JOB_EXECUTION JE
                    JOIN BATCH_STEP_EXECUTION SE ON SE.JOB_EXECUTION_ID = JE.JOB_EXECUTION_ID
                WHERE JE.JOB_INSTANCE_ID = (SELECT job_instance_id FROM batch_job_execution
                                            WHERE job_execution_id = %d)
                  AND SE.STEP_NAME = 'exchangeCodes'""".formatted(someExecution));

        assertThat(plan).contains("batch_job_execution_instance_idx")
                .contains("batch_step_execution_job_execution_idx").doesNotContain("Seq Scan");
    }

    @Test
    void runningExecutionsWhenQuartzFiresThenOnlyThePartialIndexIsRead() {
        String plan = plan("""
                SELECT E.JOB_EXECUTION_ID
                FROM BATCH_JOB_EXECUTION E, BATCH_JOB_INSTANCE I
                WHERE E.JOB_INSTANCE_ID=I.JOB_INSTANCE_ID AND I.JOB_NAME='tokenMaintenanceJob'
                  AND E.STATUS IN ('STARTING', 'STARTED', 'STOPPING')""");

        assertThat(plan).contains("batch_job_execution_running_idx").doesNotContain("Seq Scan");
    }

    @Test
    void parametersWhenReadWithAnExecutionThenTheIndexIsUsed() {
        String plan = plan("""
                SELECT JOB_EXECUTION_ID, PARAMETER_NAME, PARAMETER_TYPE, PARAMETER_VALUE, IDENTIFYING
                FROM BATCH_JOB_EXECUTION_PARAMS
                WHERE JOB_EXECUTION_ID = %d""".formatted(someExecution));

        assertThat(plan).contains("batch_job_execution_params_execution_idx").doesNotContain("Seq Scan");
    }

    @Test
    void purgeWhenItLooksForOldExecutionsThenItWalksTheCreateTimeIndex() {
        String cutoff = batchTime(clock.instant().minus(Duration.ofDays(30))).toString();
        String plan = plan("""
                SELECT e.job_execution_id, e.job_instance_id
                FROM batch_job_execution e
                JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
                WHERE i.job_name = 'tokenMaintenanceJob'
                  AND e.create_time < '%1$s' AND e.end_time < '%1$s'
                  AND e.status NOT IN ('STARTING', 'STARTED', 'STOPPING')
                ORDER BY e.create_time, e.job_execution_id
                LIMIT 1000
                FOR UPDATE OF e SKIP LOCKED""".formatted(cutoff));

        assertThat(plan).contains("batch_job_execution_create_time_idx")
                .doesNotContain("Seq Scan on batch_job_execution");
    }

    private static String plan(String query) {
        return String.join("\n", jdbc.sql("EXPLAIN " + query).query(String.class).list());
    }

    private static JobHistoryFixture history() {
        return new JobHistoryFixture(jdbc);
    }
}
