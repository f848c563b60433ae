package com.clinic.tokenworker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.Main;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.SimpleTrigger;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The one cluster-wide schedule: registered idempotently, replaced on a new interval, and its misfire policy. */
class MaintenanceScheduleTest {

    private final Clock clock = Clock.systemUTC();
    private FakeFullscriptServer fullscript;
    private DatabaseTarget database;
    private Map<String, String> env;
    private TestWorker worker;
    private JdbcClient jdbc;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        database = TestDatabase.freshDatabase();
        env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_INTERVAL", "PT1M");
        worker = TestWorker.start(database, env, clock);
        jdbc = worker.jdbc();
    }

    @AfterEach
    void stop() {
        worker.close();
        fullscript.close();
    }

    @Test
    void registerWhenEveryNodeRegistersAtEveryStartThenOneJobAndOneTriggerWhoseScheduleIsKept() throws Exception {
        Scheduler scheduler = worker.bean(Scheduler.class);
        MaintenanceSchedule schedule = worker.bean(MaintenanceSchedule.class);
        schedule.register(scheduler, Duration.ofMinutes(1));
        Object firstNextFire = nextFireTime();

        schedule.register(scheduler, Duration.ofMinutes(1));
        schedule.register(scheduler, Duration.ofMinutes(1));

        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_job_details").query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers").query(Long.class).single()).isEqualTo(1);
        assertThat(nextFireTime()).as("an identical trigger is left alone").isEqualTo(firstNextFire);
        SimpleTrigger trigger = (SimpleTrigger) scheduler.getTrigger(MaintenanceSchedule.TRIGGER_KEY);
        assertThat(trigger.getRepeatInterval()).isEqualTo(60_000);
        assertThat(trigger.getRepeatCount()).isEqualTo(SimpleTrigger.REPEAT_INDEFINITELY);
        assertThat(trigger.getMisfireInstruction())
                .isEqualTo(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NOW_WITH_EXISTING_REPEAT_COUNT);
        assertThat(scheduler.getJobDetail(MaintenanceSchedule.JOB_KEY).isConcurrentExecutionDisallowed()).isTrue();
    }

    @Test
    void registerWhenTheIntervalChangedThenTheTriggerIsReplacedNotDuplicated() throws Exception {
        Scheduler scheduler = worker.bean(Scheduler.class);
        MaintenanceSchedule schedule = worker.bean(MaintenanceSchedule.class);
        schedule.register(scheduler, Duration.ofMinutes(1));

        schedule.register(scheduler, Duration.ofSeconds(15));

        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers").query(Long.class).single()).isEqualTo(1);
        assertThat(((SimpleTrigger) scheduler.getTrigger(MaintenanceSchedule.TRIGGER_KEY)).getRepeatInterval())
                .isEqualTo(15_000);
    }

    @Test
    void runWhenNoWindowIsGivenThenQuartzIsNeitherStartedNorWritten() {
        Map<String, String> cli = new java.util.HashMap<>(env);
        cli.put("SPRING_DATASOURCE_URL", database.url());
        cli.put("SPRING_DATASOURCE_USERNAME", database.username());

        assertThat(Main.execute(cli, clock, "run")).isZero();

        assertThat(jdbc.sql("SELECT count(*) FROM batch_job_execution").query(Long.class).single()).isEqualTo(1);
        for (String table : new String[] {"qrtz_job_details", "qrtz_triggers", "qrtz_scheduler_state"}) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single()).as(table).isZero();
        }
    }

    /**
     * Every node was down for ten intervals (the trigger's next fire time lies ten minutes back). The policy
     * fires once, at once, and not ten catch-up runs; waiting for the next slot of the old grid could take up to a
     * whole interval.
     */
    @Test
    void scheduleWhenEveryNodeWasDownForTenIntervalsThenItFiresOnceAtStartAndDoesNotCatchUp() {
        ScheduledWorker node = worker.bean(ScheduledWorker.class);
        worker.bean(MaintenanceSchedule.class).register(worker.bean(Scheduler.class), Duration.ofMinutes(1));
        long tenMinutesAgo = clock.millis() - Duration.ofMinutes(10).toMillis();
        jdbc.sql("UPDATE qrtz_triggers SET next_fire_time = :t, start_time = :t").param("t", tenMinutesAgo).update();

        node.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> executions() == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> executions() == 1);
        assertThat(nextFireTime()).as("the next fire is one interval after the catch-up fire, not on the old grid")
                .satisfies(next -> assertThat((Long) next).isGreaterThan(clock.millis() + 50_000));
    }

    private long executions() {
        return jdbc.sql("SELECT count(*) FROM batch_job_execution").query(Long.class).single();
    }

    private Object nextFireTime() {
        return jdbc.sql("SELECT next_fire_time FROM qrtz_triggers").query(Long.class).single();
    }
}
