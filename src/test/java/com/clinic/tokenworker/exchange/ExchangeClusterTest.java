package com.clinic.tokenworker.exchange;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.UnlimitedBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * In the style of db-scheduler's ClusterTests: several workers (each a full context with its own pool and call
 * threads) drain thousands of codes at once from one database. No code is sent twice, none is left behind.
 */
class ExchangeClusterTest {

    private static final int WORKERS = 3;
    private static final int CODES = 2000;

    @Test
    void drainWhenSeveralWorkersRunAtOnceThenEveryCodeIsSentExactlyOnce() throws Exception {
        SettableClock clock = SettableClock.startingAt("2026-05-04T09:00:00Z");
        DatabaseTarget database = TestDatabase.freshDatabase();
        List<TestWorker> workers = new ArrayList<>();
        ExecutorService launches = Executors.newFixedThreadPool(WORKERS);
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = new java.util.HashMap<>(FullscriptFixture.environmentFor(fullscript));
            env.put("TOKENWORKER_CONCURRENCY", "8");
            // Not what this test is about: the fixture's 2 s timeout turned slow answers on a loaded machine into
            // retries that a frozen clock never makes due again.
            env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT10S");
            env.put("TOKENWORKER_LEASE", "PT25S");
            for (int i = 0; i < WORKERS; i++) {
                workers.add(TestWorker.start(database, env, clock, UnlimitedBudget.OVERRIDE, UnlimitedBudget.class));
            }
            JdbcClient jdbc = workers.get(0).jdbc();
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < CODES; i++) {
                String code = fullscript.mintCode(REDIRECT_URI, "Practitioner", "owner-" + i);
                codes.add(code);
                FullscriptFixture.insertCode(jdbc, code, "us", clock.instant());
            }

            List<Future<List<JobExecution>>> runs = new ArrayList<>();
            for (TestWorker worker : workers) {
                runs.add(launches.submit(() -> {
                    List<JobExecution> executions = new ArrayList<>();
                    // Each worker runs back to back, as overlapping CronJob pods and a daemon would.
                    for (int i = 0; i < 3; i++) {
                        executions.add(worker.runOnce());
                    }
                    return executions;
                }));
            }
            long exchangedByJobs = 0;
            for (Future<List<JobExecution>> run : runs) {
                for (JobExecution execution : run.get()) {
                    assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
                    exchangedByJobs += execution.getStepExecutions().stream()
                            .filter(s -> s.getStepName().equals("exchangeCodes")).findFirst().orElseThrow().getWriteCount();
                }
            }

            assertThat(fullscript.codesSentMoreThanOnce()).isEmpty();
            assertThat(codes).allSatisfy(code -> assertThat(fullscript.timesCodeSent(code)).isEqualTo(1));
            assertThat(jdbc.sql("SELECT status, count(*) FROM oauth_pending_code GROUP BY status")
                    .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list())
                    .as("why rows are not EXCHANGED: %s", jdbc.sql(
                            "SELECT DISTINCT last_error FROM oauth_pending_code WHERE status <> 'EXCHANGED'")
                            .query(String.class).list())
                    .containsExactly(Map.entry("EXCHANGED", (long) CODES));
            assertThat(jdbc.sql("SELECT count(*) FROM oauth_token").query(Long.class).single()).isEqualTo(CODES);
            assertThat(exchangedByJobs).as("WRITE_COUNT over all executions").isEqualTo(CODES);
            assertThat(jdbc.sql("""
                            SELECT count(DISTINCT p.parameter_value) FROM batch_step_execution s
                            JOIN batch_job_execution_params p ON p.job_execution_id = s.job_execution_id
                            WHERE p.parameter_name = 'launchedBy' AND s.write_count > 0
                            """).query(Long.class).single())
                    .as("every worker exchanged some of the codes").isEqualTo(WORKERS);
        } finally {
            launches.shutdownNow();
            workers.forEach(TestWorker::close);
        }
    }
}
