package com.clinic.tokenworker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.support.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The step waits until every row it handed out is recorded, so however a recording ends, its step hears of it
 * exactly once. The database part is covered with a real PostgreSQL elsewhere (GrantKeptThroughDatabaseOutageTest);
 * here the write itself is scripted, to reach the paths a database cannot be made to take on cue.
 */
class OutcomeRecorderTest {

    private enum Tally { STORED }

    private record Row(boolean describable, Instant leaseUntil) implements Claimed {
        @Override
        public long id() {
            return 1;
        }

        @Override
        public String region() {
            return "us";
        }

        @Override
        public String describe() {
            if (!describable) {
                throw new IllegalStateException("describe() failed");
            }
            return "row 1";
        }
    }

    private record Granted() implements Outcome {
        @Override
        public boolean holdsGrant() {
            return true;
        }
    }

    private record Told(Tally tally, Throwable failure) {
    }

    private final SettableClock clock = SettableClock.startingAt("2026-09-01T12:00:00Z");
    private final ExecutorService calls = Executors.newSingleThreadExecutor();
    private final List<Told> told = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopCalls() throws InterruptedException {
        calls.shutdownNow();
        calls.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void recordWhenTheRetryPathItselfThrowsThenTheStepHearsOfTheFailureOnce() {
        Row row = new Row(false, clock.instant().plusSeconds(15));

        recorder(firstWriteFails(), (delay, task) -> task.run()).record(row, new Granted(), this::tell);

        assertThat(told).singleElement().satisfies(t -> assertThat(t.failure()).hasMessage("describe() failed"));
    }

    @Test
    void recordWhenTheTimerRefusesTheNextAttemptThenTheStepHearsOfTheRefusalOnce() {
        Row row = new Row(true, clock.instant().plusSeconds(15));

        recorder(firstWriteFails(), (delay, task) -> {
            throw new RejectedExecutionException("timer closed");
        }).record(row, new Granted(), this::tell);

        assertThat(told).singleElement()
                .satisfies(t -> assertThat(t.failure()).isInstanceOf(RejectedExecutionException.class));
    }

    @Test
    void recordWhenTheDatabaseIsBackForTheSecondAttemptThenTheTallyArrivesOnceFromACallThread() throws Exception {
        Row row = new Row(true, clock.instant().plusSeconds(15));
        List<Duration> delays = new CopyOnWriteArrayList<>();

        recorder(firstWriteFails(), (delay, task) -> {
            delays.add(delay);
            task.run();
        }).record(row, new Granted(), this::tell);
        calls.shutdown();
        assertThat(calls.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

        assertThat(delays).containsExactly(Duration.ofMillis(250));
        assertThat(told).containsExactly(new Told(Tally.STORED, null));
    }

    private void tell(Tally tally, Throwable failure) {
        told.add(new Told(tally, failure));
    }

    /** The first write fails as a refused connection does; the next ones succeed. */
    private static WorkRules<Row, Granted, Tally> firstWriteFails() {
        int[] writes = new int[1];
        return new WorkRules<>() {
            @Override
            public WorkStep<Tally> step() {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<Row> claim(ClaimRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Granted call(Row row) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Tally record(Row row, Granted outcome, Instant now) {
                if (writes[0]++ == 0) {
                    throw new CannotCreateTransactionException("database away");
                }
                return Tally.STORED;
            }
        };
    }

    private OutcomeRecorder<Row, Granted, Tally> recorder(WorkRules<Row, Granted, Tally> rules, RetryTimer timer) {
        WorkResources resources = new WorkResources(null, null, calls, new TransactionTemplate(new NoTransactions()),
                null, null, clock, null, timer);
        return new OutcomeRecorder<>(rules, resources);
    }

    /** Transactions are not what this test is about: the scripted write needs none. */
    private static final class NoTransactions extends AbstractPlatformTransactionManager {
        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }
}
