package com.clinic.tokenworker.metrics;

import static com.clinic.tokenworker.support.FullscriptFixture.insertSlowCodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.schedule.ScheduledWorker;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;

class SchedulerLivenessTest {

    private final SettableClock clock = new SettableClock(Instant.now());
    private FakeFullscriptServer fullscript;
    private TestWorker worker;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), Clock.systemUTC());
        Map<String, String> env = FullscriptFixture.environmentForChildWorker(fullscript);
        env.put("TOKENWORKER_INTERVAL", "PT1S");
        env.put("TOKENWORKER_MAX_RUN_DURATION", "PT1M");
        worker = TestWorker.start(TestDatabase.freshDatabase(), env, clock);
    }

    @AfterEach
    void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void checkWhenALaunchRunsLongerThanTwiceTheMaxRunDurationThenDownAndUpOtherwise() throws Exception {
        // given: a started node whose run is stuck in slow calls
        Scheduler scheduler = worker.bean(Scheduler.class);
        SchedulerLiveness liveness = new SchedulerLiveness(scheduler, Duration.ofMinutes(2), clock);
        assertThat(liveness.check().detail()).contains("starting");
        insertSlowCodes(fullscript, worker.jdbc(), 2, Duration.ofSeconds(4), clock.instant());
        ScheduledWorker node = worker.bean(ScheduledWorker.class);
        node.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !scheduler.getCurrentlyExecutingJobs().isEmpty());
        assertThat(liveness.check().up()).as(liveness.check().detail()).isTrue();

        // when: the worker's clock says the launch has run for 3 minutes
        clock.advance(Duration.ofMinutes(3));
        ProbeResult wedged = liveness.check();

        // then
        assertThat(wedged.up()).isFalse();
        assertThat(wedged.detail()).contains("twice TOKENWORKER_MAX_RUN_DURATION");

        // and once stopping, it is up again: the kubelet must not cut the graceful stop short
        clock.advance(Duration.ofMinutes(-3));
        node.stop();
        assertThat(liveness.check().up()).isTrue();
    }
}
