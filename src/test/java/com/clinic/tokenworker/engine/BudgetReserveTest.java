package com.clinic.tokenworker.engine;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.UnlimitedBudget;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;

/**
 * The work loop takes budget permits a slot-set at a time and keeps the ones no row needed for its next claims;
 * when the step ends, every permit it did not spend on a call is back in the shared budget, however few rows
 * were due.
 */
class BudgetReserveTest {

    @Test
    void runWhenFewerRowsAreDueThanSlotsThenOnlyThePermitsOfRequestsSentStayTaken() {
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(),
                Clock.systemUTC())) {
            Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
            env.put("TOKENWORKER_CONCURRENCY", "8");
            try (TestWorker worker = TestWorker.start(database, env, Clock.systemUTC(), UnlimitedBudget.OVERRIDE,
                    CountingBudgetConfiguration.class)) {
                for (int i = 0; i < 3; i++) {
                    FullscriptFixture.insertCode(worker.jdbc(), fullscript.mintCode(REDIRECT_URI), "us",
                            Clock.systemUTC().instant());
                }

                worker.runOnce();

                CountingBudget budget = worker.bean(CountingBudget.class);
                assertThat(budget.taken.get()).as("taken a slot-set at a time").isGreaterThan(4);
                assertThat(budget.taken.get() - budget.givenBack.get()).as("the credential check and three codes")
                        .isEqualTo(fullscript.tokenRequestCount()).isEqualTo(4);
            }
        }
    }

    /**
     * Passed to this test's worker only: not a {@code @Configuration}, so the component scan of every other test's
     * context (which sees test classes) does not pick it up; a class handed in as a source has its beans anyway.
     */
    static class CountingBudgetConfiguration {

        @Bean
        CountingBudget requestBudget() {
            return new CountingBudget();
        }
    }

    /** A budget that grants everything and counts: taken minus given back is what the run kept. */
    static class CountingBudget implements RequestBudget {

        final AtomicInteger taken = new AtomicInteger();
        final AtomicInteger givenBack = new AtomicInteger();

        @Override
        public int acquireForExchanges(int wanted) {
            taken.addAndGet(wanted);
            return wanted;
        }

        @Override
        public int acquireForRefreshes(int wanted) {
            return acquireForExchanges(wanted);
        }

        @Override
        public void giveBack(int unused) {
            givenBack.addAndGet(unused);
        }
    }
}
