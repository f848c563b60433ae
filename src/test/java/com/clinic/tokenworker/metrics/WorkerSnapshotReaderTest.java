package com.clinic.tokenworker.metrics;

import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.budget.PostgresRequestBudget;
import com.clinic.tokenworker.exchange.CodeStatus;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

class WorkerSnapshotReaderTest {

    private final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private FakeFullscriptServer fullscript;
    private TestWorker worker;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), Clock.systemUTC());
        worker = TestWorker.start(TestDatabase.freshDatabase(), FullscriptFixture.environmentFor(fullscript), clock);
    }

    @AfterEach
    void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void readWhenTheBudgetIsTheSharedBucketThenItsAvailablePermitsAreReported() {
        // given: the shared bucket of a 1,000-per-5-minutes budget (a burst of 100), 30 permits taken
        PostgresRequestBudget budget = new PostgresRequestBudget(worker.bean(DataSource.class), 1000, clock);
        assertThat(budget.acquireForExchanges(30)).isEqualTo(30);

        // when
        WorkerSnapshot snapshot = reader(budget, Duration.ofSeconds(2)).read();

        // then
        assertThat(snapshot.budgetAvailable()).hasValue(70);
    }

    @Test
    void readWhenCodesWaitThenCountsEveryStatusAndTheOldestReceipt() {
        Instant oldest = clock.instant().minusSeconds(200);
        insertCode(worker.jdbc(), "old", "us", oldest);
        insertCode(worker.jdbc(), "new", "us", clock.instant());

        WorkerSnapshot snapshot = reader(new PostgresRequestBudget(worker.bean(DataSource.class), 1000, clock),
                Duration.ofSeconds(2)).read();

        assertThat(snapshot.codes()).containsEntry(CodeStatus.PENDING, 2L).containsEntry(CodeStatus.FAILED, 0L)
                .hasSize(CodeStatus.values().length);
        assertThat(snapshot.oldestWaitingReceivedAt()).hasValue(oldest);
        assertThat(snapshot.lastCompletedAt()).isEmpty();
    }

    @Test
    void readWhenAStatementOutlastsTheTimeoutThenTheReadFailsInsteadOfWaiting() {
        // given: a transaction holding the throttle row's lock... no: a lock on the codes table the read must wait for
        JdbcClient jdbc = worker.jdbc();
        PlatformTransactionManager tx = worker.bean(PlatformTransactionManager.class);
        var locker = new org.springframework.transaction.support.TransactionTemplate(tx);
        WorkerSnapshotReader reader = reader(new PostgresRequestBudget(worker.bean(DataSource.class), 1000, clock),
                Duration.ofMillis(300));

        locker.executeWithoutResult(status -> {
            jdbc.sql("LOCK TABLE oauth_pending_code IN ACCESS EXCLUSIVE MODE").update();
            long started = System.nanoTime();
            // when / then
            org.assertj.core.api.Assertions.assertThatThrownBy(reader::read).isInstanceOf(DataAccessException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        });
    }

    private WorkerSnapshotReader reader(PostgresRequestBudget budget, Duration statementTimeout) {
        return new WorkerSnapshotReader(worker.jdbc(), worker.bean(PlatformTransactionManager.class), budget,
                statementTimeout);
    }
}
