package com.clinic.tokenworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;

/** The worker's pool opens connections as it needs them, up to 2 x TOKENWORKER_CONCURRENCY + 6, not all at start. */
class ConnectionPoolTest {

    @Test
    void runWithNothingToDoKeepsAFewConnectionsOfAPoolSizedForTheConcurrency() {
        SettableClock clock = SettableClock.startingAt("2026-04-01T08:00:00Z");
        DatabaseTarget database = TestDatabase.freshDatabase();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = new HashMap<>(FullscriptFixture.environmentFor(fullscript));
            env.put("TOKENWORKER_CONCURRENCY", "16");
            try (TestWorker worker = TestWorker.start(database, env, clock)) {
                assertThat(worker.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);
                HikariDataSource pool = worker.bean(HikariDataSource.class);
                assertThat(pool.getMaximumPoolSize()).isEqualTo(38);
                // Filling the pool to its maximum happens in the background soon after it starts: give it time to
                // show, and hold the count down for all of it. A run's steps use a few connections at once.
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> pool.getHikariPoolMXBean().getTotalConnections()
                                <= WorkerContext.MINIMUM_IDLE_CONNECTIONS + 4);
            }
        }
    }
}
