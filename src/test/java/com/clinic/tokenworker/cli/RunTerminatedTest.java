package com.clinic.tokenworker.cli;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Ctrl-C or SIGTERM on a plain {@code run}: its calls in flight finish and are recorded, then it exits 0. */
class RunTerminatedTest {

    @Test
    void runWhenTerminatedMidCallThenInFlightCodesAreRecordedAndTheExecutionEndsStopped() throws Exception {
        Clock clock = Clock.systemUTC();
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentForChildWorker(fullscript);
            try (TestWorker tables = TestWorker.start(database, env, clock)) {
                JdbcClient jdbc = tables.jdbc();
                FullscriptFixture.SlowCodes slowCodes = FullscriptFixture.insertSlowCodes(fullscript, jdbc, 4,
                        Duration.ofSeconds(3), clock.instant());
                List<String> slow = slowCodes.codes();
                List<Long> slowIds = slowCodes.ids();
                long later = insertCode(jdbc, fullscript.mintCode(REDIRECT_URI), "us", clock.instant());

                ChildWorker child = ChildWorker.start(database, env, "run");
                await("the slow calls are in flight").atMost(Duration.ofSeconds(60))
                        .until(() -> slow.stream().allMatch(code -> fullscript.timesCodeSent(code) == 1));
                child.process().destroy();

                assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).as(child.output()).isTrue();
                assertThat(child.process().exitValue()).as(child.output()).isZero();
                assertThat(slowIds).allSatisfy(id -> assertThat(codeRow(jdbc, id)).containsEntry("status",
                        "EXCHANGED"));
                assertThat(codeRow(jdbc, later)).as("no new pass after the stop request")
                        .containsEntry("status", "PENDING");
                assertThat(jdbc.sql("SELECT status FROM batch_job_execution").query(String.class).single())
                        .isEqualTo("STOPPED");
                assertThat(child.output()).as("a stop that was asked for is not an error")
                        .doesNotContain(" ERROR ").contains("stopped as asked");
            }
        }
    }
}
