package com.clinic.tokenworker.engine;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.step.StepExecution;

/**
 * The shared request budget governs an ordinary worker: with TOKENWORKER_REQUESTS_PER_5MIN=100 (a burst of 10)
 * and a clock that does not move, one run sends 10 requests, leaves the other codes PENDING for the next run, and
 * says why it stopped. (Also proves no test-only unlimited budget leaks into contexts that did not ask for one.)
 */
class BudgetSpentTest {

    @Test
    void runWhenMoreCodesAreDueThanTheBudgetAllowsThenTheRestWaitsForTheNextRun() {
        SettableClock clock = SettableClock.startingAt("2026-09-01T12:00:00Z");
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
            env.put("TOKENWORKER_REQUESTS_PER_5MIN", "100");
            try (TestWorker worker = TestWorker.start(TestDatabase.freshDatabase(), env, clock)) {
                for (int i = 0; i < 15; i++) {
                    FullscriptFixture.insertCode(worker.jdbc(), fullscript.mintCode(REDIRECT_URI), "us",
                            clock.instant());
                }

                StepExecution exchange = worker.runOnce().getStepExecutions().stream()
                        .filter(step -> step.getStepName().equals("exchangeCodes")).findFirst().orElseThrow();

                assertThat(fullscript.tokenRequestCount()).as("the credential check and 9 codes").isEqualTo(10);
                assertThat(worker.jdbc().sql("SELECT status, count(*) FROM oauth_pending_code GROUP BY status")
                        .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list())
                        .containsExactlyInAnyOrder(Map.entry("EXCHANGED", 9L), Map.entry("PENDING", 6L));
                assertThat(exchange.getExecutionContext().getString("exchange.stopped_because"))
                        .startsWith("request budget spent (TOKENWORKER_REQUESTS_PER_5MIN)");
            }
        }
    }
}
