package com.clinic.tokenworker.exchange;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A worker process is SIGKILLed while its calls are in flight. The next run must not resend a code while the
 * dead worker's call may still land (its lease is live), must not be blocked by the dead execution, and must
 * finish every code once the lease lapses: nothing is sent twice early, nothing is lost silently.
 */
class WorkerKilledMidRunTest {

    @Test
    void runWhenPreviousWorkerWasKilledMidCallThenItsCodesWaitForTheLeaseAndEndFinal() throws Exception {
        Clock clock = Clock.systemUTC();
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentForChildWorker(fullscript);
            try (TestWorker survivor = TestWorker.start(database, env, clock)) {
                JdbcClient jdbc = survivor.jdbc();
                // Four calls a pass: the dead worker's only pass holds exactly the four slow codes.
                FullscriptFixture.SlowCodes slowCodes = FullscriptFixture.insertSlowCodes(fullscript, jdbc, 4,
                        Duration.ofSeconds(15), clock.instant());
                List<String> slow = slowCodes.codes();
                List<Long> slowIds = slowCodes.ids();
                List<String> normal = new ArrayList<>();
                List<Long> normalIds = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    String code = fullscript.mintCode(REDIRECT_URI);
                    normal.add(code);
                    normalIds.add(insertCode(jdbc, code, "us", clock.instant()));
                }

                ChildWorker child = ChildWorker.start(database, env, "run");
                await("the child's calls for the slow codes are in flight").atMost(Duration.ofSeconds(60))
                        .until(() -> slow.stream().allMatch(code -> fullscript.timesCodeSent(code) == 1));
                child.process().destroyForcibly();
                assertThat(child.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(slowIds).allSatisfy(id -> assertThat(codeRow(jdbc, id)).containsEntry("status",
                        "EXCHANGING"));

                assertThat(survivor.runOnce().getStatus()).as("the dead execution does not block this one")
                        .isEqualTo(BatchStatus.COMPLETED);
                assertThat(slow).as("not resent while the dead worker's lease is live")
                        .allSatisfy(code -> assertThat(fullscript.timesCodeSent(code)).isEqualTo(1));
                assertThat(normalIds).allSatisfy(id -> assertThat(codeRow(jdbc, id))
                        .containsEntry("status", "EXCHANGED"));

                await("the lease lapses and the codes are finished").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> {
                            survivor.runOnce();
                            return slowIds.stream().allMatch(id -> !"EXCHANGING".equals(codeRow(jdbc, id).get("status"))
                                    && !"PENDING".equals(codeRow(jdbc, id).get("status")));
                        });
                // The fake used each slow code when the dead worker sent it, so the resend is rejected: the row
                // ends FAILED with a reason an operator can act on, never silently.
                assertThat(slowIds).allSatisfy(id -> {
                    Map<String, Object> row = codeRow(jdbc, id);
                    assertThat(row).containsEntry("status", "FAILED").containsEntry("code", null);
                    assertThat((String) row.get("last_error")).contains("response was lost");
                });
                assertThat(slow).allSatisfy(code -> assertThat(fullscript.timesCodeSent(code)).isEqualTo(2));
                assertThat(normal).allSatisfy(code -> assertThat(fullscript.timesCodeSent(code)).isEqualTo(1));
                assertThat(jdbc.sql("SELECT count(*) FROM batch_job_execution WHERE status = 'STARTED'")
                        .query(Long.class).single()).as("the killed execution, until recovered at a start")
                        .isEqualTo(1);
            }
        }
    }
}
