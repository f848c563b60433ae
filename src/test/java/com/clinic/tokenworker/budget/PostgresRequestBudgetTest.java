package com.clinic.tokenworker.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The budget is shared through PostgreSQL: two processes' buckets together stay under one limit. */
class PostgresRequestBudgetTest {

    private static final int LIMIT = 1000;
    private static final SettableClock clock = SettableClock.startingAt("2026-06-01T00:00:00Z");
    private static FakeFullscriptServer unused;
    private static TestWorker worker;
    private static DataSource dataSource;

    @BeforeAll
    static void migrate() {
        DatabaseTarget database = TestDatabase.freshDatabase();
        unused = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        worker = TestWorker.start(database, FullscriptFixture.environmentFor(unused), clock);
        dataSource = worker.bean(DataSource.class);
    }

    @AfterAll
    static void stop() {
        worker.close();
        unused.close();
    }

    @BeforeEach
    void emptyBucket() {
        worker.jdbc().sql("TRUNCATE tokenworker_rate_bucket").update();
    }

    @Test
    void acquireWhenTwoProcessesDrawGreedilyThenNoRollingFiveMinutesExceedsTheLimit() {
        RequestBudget podA = new PostgresRequestBudget(dataSource, LIMIT, clock);
        RequestBudget podB = new PostgresRequestBudget(dataSource, LIMIT, clock);
        List<Instant> grants = new ArrayList<>();

        for (int second = 0; second < 15 * 60; second++) {
            for (RequestBudget pod : List.of(podA, podB)) {
                int granted = pod.acquireForExchanges(50);
                for (int i = 0; i < granted; i++) {
                    grants.add(clock.instant());
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(mostInAnyFiveMinutes(grants)).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT * 9 / 10);
        assertThat(grants).as("15 minutes of a saturated budget").hasSizeBetween(LIMIT * 27 / 10, LIMIT * 3);
    }

    /**
     * Fullscript counts a request when it arrives, the bucket when its permit is taken: requests that leave up to
     * PostgresRequestBudget.SEND_MARGIN after their permit (a loaded machine) still stay within the limit. With a
     * refill over exactly 5 minutes this finds more than the limit in a window.
     */
    @Test
    void acquireWhenSomeRequestsLeaveSecondsAfterTheirPermitThenNoRollingFiveMinutesOfArrivalsExceedsTheLimit() {
        RequestBudget pod = new PostgresRequestBudget(dataSource, LIMIT, clock);
        List<Instant> arrivals = new ArrayList<>();

        for (int second = 0; second < 15 * 60; second++) {
            int granted = pod.acquireForExchanges(50);
            for (int i = 0; i < granted; i++) {
                // The worst case: the burst and the first seconds' permits leave as late as the margin allows, into
                // a window that then also holds every later permit, sent at once.
                arrivals.add(clock.instant().plus(second < PostgresRequestBudget.SEND_MARGIN.toSeconds()
                        ? PostgresRequestBudget.SEND_MARGIN : Duration.ZERO));
            }
            clock.advance(Duration.ofSeconds(1));
        }

        arrivals.sort(null);
        assertThat(mostInAnyFiveMinutes(arrivals)).isLessThanOrEqualTo(LIMIT);
    }

    /** The most instants of {@code sorted} in any rolling 5 minutes. */
    private static int mostInAnyFiveMinutes(List<Instant> sorted) {
        int most = 0;
        for (int start = 0, end = 0; start < sorted.size(); start++) {
            Instant windowEnd = sorted.get(start).plus(Duration.ofMinutes(5));
            while (end < sorted.size() && sorted.get(end).isBefore(windowEnd)) {
                end++;
            }
            most = Math.max(most, end - start);
        }
        return most;
    }

    /** Bucket4j alone replaces a stored configuration only for a higher version. */
    @Test
    void acquireWhenTheBudgetWasLoweredThenTheLowerBurstApplies() {
        RequestBudget before = new PostgresRequestBudget(dataSource, LIMIT, clock);
        assertThat(before.available()).hasValue(LIMIT / 10);

        RequestBudget lowered = new PostgresRequestBudget(dataSource, LIMIT / 5, clock);

        assertThat(lowered.acquireForExchanges(LIMIT)).isEqualTo(LIMIT / 50);
    }

    @Test
    void acquireForRefreshesWhenOnlyTheReserveIsLeftThenNothingIsGrantedButExchangesStillAre() {
        RequestBudget budget = new PostgresRequestBudget(dataSource, LIMIT, clock);
        int burst = LIMIT / 10;
        int reserve = Math.round(burst * 0.25f);

        assertThat(budget.acquireForRefreshes(burst)).isEqualTo(burst - reserve);
        assertThat(budget.acquireForRefreshes(1)).isZero();
        assertThat(budget.acquireForExchanges(burst)).isEqualTo(reserve);
    }

    @Test
    void giveBackWhenPermitsWereNotUsedThenTheyCanBeTakenAgain() {
        RequestBudget budget = new PostgresRequestBudget(dataSource, LIMIT, clock);
        int all = budget.acquireForExchanges(10_000);

        budget.giveBack(7);

        assertThat(budget.acquireForExchanges(10_000)).isEqualTo(7);
        assertThat(all).isEqualTo(LIMIT / 10);
    }
}
