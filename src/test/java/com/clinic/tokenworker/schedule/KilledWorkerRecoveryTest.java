package com.clinic.tokenworker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.ChildWorker;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 9, hole 10: a worker process SIGKILLed mid-run. Its execution must be marked FAILED within about a minute
 * (here: at the next look, seconds later, with TOKENWORKER_MAX_RUN_DURATION at its 5-minute default), while the
 * same execution, alive and waiting on slow calls, was left alone.
 */
class KilledWorkerRecoveryTest {

    @Test
    void recoverWhenTheWorkerIsAliveButSlowThenLeftAloneAndWhenKilledThenFailedAtTheNextLook() throws Exception {
        Clock clock = Clock.systemUTC();
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentForChildWorker(fullscript);
            try (TestWorker survivor = TestWorker.start(database, env, clock)) {
                JdbcClient jdbc = survivor.jdbc();
                StaleExecutionRecovery recovery = survivor.bean(StaleExecutionRecovery.class);
                FullscriptFixture.SlowCodes slow = FullscriptFixture.insertSlowCodes(fullscript, jdbc, 4,
                        Duration.ofSeconds(15), clock.instant());
                ChildWorker child = ChildWorker.start(database, env, "run");
                try {
                    await("the child's slow calls are in flight").atMost(Duration.ofSeconds(60))
                            .until(() -> slow.codes().stream().allMatch(code -> fullscript.timesCodeSent(code) == 1));
                    long running = jdbc.sql("SELECT job_execution_id FROM batch_job_execution WHERE status = 'STARTED'")
                            .query(Long.class).single();

                    assertThat(recovery.recoverStaleExecutions()).as("a live, slow worker").doesNotContain(running);

                    child.process().destroyForcibly();
                    assertThat(child.process().waitFor(10, TimeUnit.SECONDS)).isTrue();

                    await("recovered at the next look").atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> recovery.recoverStaleExecutions().contains(running));
                    Map<String, Object> row = jdbc.sql("SELECT status, exit_message FROM batch_job_execution "
                            + "WHERE job_execution_id = :id").param("id", running).query().singleRow();
                    assertThat(row).containsEntry("status", "FAILED");
                    assertThat((String) row.get("exit_message")).contains("its process is gone");
                } finally {
                    child.process().destroyForcibly();
                }
            }
        }
    }
}
