package com.clinic.tokenworker.time;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 9, hole 11: leases must not be computed from each worker's own clock. A worker whose host clock is 40 s
 * behind would write a lease (25 s here) that a punctual worker sees as lapsed at once, while the first
 * call is still in flight, and send the code again. Every worker reads the database's time instead.
 */
class DatabaseClockTest {

    private static final Duration BEHIND = Duration.ofSeconds(-40);

    @Test
    void anchorWhenTheHostClockIsSkewedThenTheWorkerReadsTheDatabasesTime() {
        DatabaseTarget database = TestDatabase.freshDatabase();
        DatabaseClock clock = DatabaseClock.of(Clock.offset(Clock.systemUTC(), BEHIND));
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(),
                Clock.systemUTC());
             TestWorker worker = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock)) {
            Instant databaseNow = databaseNow(worker.jdbc());

            assertThat(clock.offset()).isBetween(Duration.ofSeconds(39), Duration.ofSeconds(41));
            assertThat(Duration.between(databaseNow, clock.instant()).abs()).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void leaseWhenOneWorkersHostIsBehindThenAPunctualWorkerStillSeesItAndTheCodeIsSentOnce() throws Exception {
        DatabaseTarget database = TestDatabase.freshDatabase();
        DatabaseClock behind = DatabaseClock.of(Clock.offset(Clock.systemUTC(), BEHIND));
        DatabaseClock ahead = DatabaseClock.of(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(6)));
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(),
                Clock.systemUTC());
             TestWorker slow = TestWorker.start(database, slowCalls(fullscript), behind);
             TestWorker punctual = TestWorker.start(database, slowCalls(fullscript), ahead)) {
            slow.runOnce();
            JdbcClient jdbc = slow.jdbc();
            String code = fullscript.mintCode(REDIRECT_URI);
            long id = FullscriptFixture.insertCode(jdbc, code, "us", databaseNow(jdbc));
            // Long enough for the punctual worker to start a run and claim while the first call is in flight.
            fullscript.setLatency(Duration.ofSeconds(5));

            CompletableFuture<JobExecution> first = CompletableFuture.supplyAsync(slow::runOnce);
            await().atMost(Duration.ofSeconds(10)).until(() -> "EXCHANGING".equals(status(jdbc, id)));
            JobExecution second = punctual.runOnce();
            first.get();

            assertThat(second.getStepExecutions()).filteredOn(s -> s.getStepName().equals("exchangeCodes"))
                    .singleElement().satisfies(s -> assertThat(s.getReadCount()).as("claimed by the punctual worker")
                            .isZero());

            assertThat(fullscript.timesCodeSent(code)).as("sent once: the lease held for the other worker").isOne();
            assertThat(FullscriptFixture.codeRow(jdbc, id)).containsEntry("status", "EXCHANGED")
                    .containsEntry("attempts", 1);
        }
    }

    /** A request timeout and lease that let a 5 s answer arrive (the fixture's are 2 s and 15 s). */
    private static java.util.Map<String, String> slowCalls(FakeFullscriptServer fullscript) {
        java.util.Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT10S");
        env.put("TOKENWORKER_LEASE", "PT25S");
        return env;
    }

    private static Instant databaseNow(JdbcClient jdbc) {
        return jdbc.sql("SELECT clock_timestamp()").query(OffsetDateTime.class).single().toInstant();
    }

    private static String status(JdbcClient jdbc, long id) {
        return (String) FullscriptFixture.codeRow(jdbc, id).get("status");
    }
}
