package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.springframework.batch.core.BatchStatus;

/** What a command's Spring context holds: a single run starts no Quartz, the scheduled modes do. */
class WorkerSessionTest {

    private final SettableClock clock = SettableClock.startingAt("2026-04-01T08:00:00Z");
    private FakeFullscriptServer fullscript;
    private TokenWorkerProperties properties;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        DatabaseTarget database = TestDatabase.freshDatabase();
        Map<String, String> env = new HashMap<>(FullscriptFixture.environmentFor(fullscript));
        env.put("SPRING_DATASOURCE_URL", database.url());
        env.put("SPRING_DATASOURCE_USERNAME", database.username());
        properties = TokenWorkerProperties.forTokenProcessing(env);
    }

    @AfterEach
    void stop() {
        fullscript.close();
    }

    @Test
    void openForOneRunWhenTheJobIsLaunchedThenItCompletesWithoutAnyQuartzScheduler() throws Exception {
        try (WorkerSession session = WorkerSession.openForOneRun(properties, clock)) {
            BatchStatus status = session.bean(TokenMaintenanceLauncher.class).launch(clock.instant()).getStatus();

            assertThat(status).isEqualTo(BatchStatus.COMPLETED);
            assertThat(session.context().getBeanNamesForType(Scheduler.class)).isEmpty();
        }
    }

    @Test
    void openWhenForTheScheduledModesThenTheQuartzSchedulerIsThere() {
        try (WorkerSession session = WorkerSession.open(properties, clock, Map.of())) {
            assertThat(session.context().getBeanNamesForType(Scheduler.class)).isNotEmpty();
        }
    }
}
