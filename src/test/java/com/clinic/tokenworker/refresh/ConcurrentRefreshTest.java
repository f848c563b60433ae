package com.clinic.tokenworker.refresh;

import static com.clinic.tokenworker.support.TokenFixture.authorizeAll;
import static com.clinic.tokenworker.support.TokenFixture.refreshTokenOf;
import static com.clinic.tokenworker.support.TokenFixture.step;
import static com.clinic.tokenworker.support.TokenFixture.tokenRow;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Several worker processes (three Spring contexts on one database) run the job at the same moment over the same
 * 200 due tokens: each token is refreshed exactly once, no rotated refresh token is ever sent, none is left.
 */
class ConcurrentRefreshTest {

    private static final int TOKENS = 200;
    private static final int WORKERS = 3;

    /** The budget's own behaviour is tested elsewhere; here it must not be what spreads the work. */
    @Configuration(proxyBeanMethods = false)
    static class UnlimitedBudget {
        @Bean
        @Primary
        RequestBudget unlimitedRequestBudget() {
            return new RequestBudget() {
                @Override
                public int acquireForExchanges(int wanted) {
                    return wanted;
                }

                @Override
                public int acquireForRefreshes(int wanted) {
                    return wanted;
                }

                @Override
                public void giveBack(int unused) {
                }
            };
        }
    }

    @Test
    void refreshWhenThreeWorkersRunAtOnceThenEachTokenIsRefreshedExactlyOnceAndNoStaleTokenIsSent()
            throws Exception {
        SettableClock clock = SettableClock.startingAt("2026-03-02T10:00:00Z");
        DatabaseTarget database = TestDatabase.freshDatabase();
        List<TestWorker> workers = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
            for (int i = 0; i < WORKERS; i++) {
                workers.add(TestWorker.start(database, env, clock, Map.of(), UnlimitedBudget.class));
            }
            List<Long> ids = authorizeAll(workers.get(0), fullscript,
                    IntStream.range(0, TOKENS).mapToObj(i -> "prac-" + i).toList());
            List<String> oldRefreshTokens = ids.stream().map(id -> refreshTokenOf(workers.get(0), id)).toList();
            clock.advance(Duration.ofMinutes(101));
            // Flagged by an earlier run: in one run, the first worker's flag step holds every row until it commits,
            // and the others, finding nothing due yet, would finish before competing at all.
            workers.get(0).jdbc().sql("UPDATE oauth_token SET status = 'REFRESH_DUE', refresh_due_at = :now")
                    .param("now", java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC))
                    .update();
            // Latency stretches one worker's 25 passes over ~5 s, so the others (whose contexts may be slower to
            // reach the refresh step on a loaded machine) are sure to join in and compete for the same rows.
            fullscript.setLatency(Duration.ofMillis(200));

            CountDownLatch go = new CountDownLatch(1);
            List<Future<JobExecution>> runs = new ArrayList<>();
            for (TestWorker worker : workers) {
                runs.add(threads.submit(() -> {
                    go.await();
                    return worker.runOnce();
                }));
            }
            go.countDown();
            List<JobExecution> executions = new ArrayList<>();
            for (Future<JobExecution> run : runs) {
                executions.add(run.get(120, TimeUnit.SECONDS));
            }

            assertThat(executions).allSatisfy(e -> assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED));
            assertThat(oldRefreshTokens).allSatisfy(old -> {
                assertThat(fullscript.timesRefreshTokenSent(old)).isEqualTo(1);
                assertThat(fullscript.isRefreshTokenActive(old)).isFalse();
            });
            assertThat(fullscript.staleRefreshTokenUses()).isZero();
            assertThat(ids).allSatisfy(id -> {
                assertThat(tokenRow(workers.get(0).jdbc(), id)).containsEntry("status", "ACTIVE")
                        .containsEntry("version", 1L).containsEntry("lease_owner", null);
                assertThat(fullscript.isRefreshTokenActive(refreshTokenOf(workers.get(0), id))).isTrue();
            });
            List<StepExecution> refreshSteps = executions.stream().map(e -> step(e, "refreshTokens")).toList();
            assertThat(refreshSteps.stream().mapToLong(StepExecution::getWriteCount).sum()).isEqualTo(TOKENS);
            assertThat(refreshSteps.stream().mapToLong(StepExecution::getReadCount).sum()).isEqualTo(TOKENS);
            assertThat(refreshSteps.stream().filter(s -> s.getWriteCount() > 0).count())
                    .as("the work was shared, so the workers really competed: %s", refreshSteps.stream()
                            .map(StepExecution::getWriteCount).toList())
                    .isGreaterThanOrEqualTo(2);
        } finally {
            threads.shutdownNow();
            workers.forEach(TestWorker::close);
        }
    }
}
