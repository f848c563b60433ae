package com.clinic.tokenworker.schedule;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A scheduled node whose interval is an hour: only a notification can make it exchange a code inserted after its
 * first run within the test's patience. Real clock, since Quartz keeps its own time.
 */
@ExtendWith(OutputCaptureExtension.class)
class WakeUpOnInsertTest {

    private static final Duration AN_HOUR = Duration.ofHours(1);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Clock clock = Clock.systemUTC();
    private FakeFullscriptServer fullscript;
    private DatabaseTarget database;
    private final List<TestWorker> workers = new ArrayList<>();

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        database = TestDatabase.freshDatabase();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (TestWorker worker : workers) {
            worker.bean(ScheduledWorker.class).stop();
            worker.close();
        }
        fullscript.close();
    }

    @Test
    void insertWhenNodeListensThenTheCodeIsExchangedWithoutWaitingForTheInterval(CapturedOutput output) {
        TestWorker node = startedNode("auto");
        JdbcClient jdbc = node.jdbc();

        long id = insertCode(jdbc, fullscript.mintCode(REDIRECT_URI), "us", clock.instant());

        await().atMost(PATIENCE).until(() -> "EXCHANGED".equals(codeRow(jdbc, id).get("status")));
        assertThat(output).contains("listening on tokenworker_work");
    }

    @Test
    void insertsWhenManyArriveDuringARunThenTheyShareTheNextRunsInsteadOfOneRunEach() {
        TestWorker node = startedNode("auto");
        JdbcClient jdbc = node.jdbc();
        long runsBefore = executions(jdbc);

        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // Each its own transaction, so each sends its own notification.
            ids.add(insertCode(jdbc, fullscript.mintCode(REDIRECT_URI), "us", clock.instant()));
        }

        await().atMost(PATIENCE).until(() -> ids.stream()
                .allMatch(id -> "EXCHANGED".equals(codeRow(jdbc, id).get("status"))));
        assertThat(executions(jdbc) - runsBefore).as("runs for 30 notifications").isBetween(1L, 10L);
    }

    @Test
    void insertWhenTheListeningConnectionWasKilledThenTheNodeReconnectsAndFiresOnceForWhatItMissed(
            CapturedOutput output) {
        TestWorker node = startedNode("auto");
        JdbcClient jdbc = node.jdbc();

        jdbc.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tokenworker listen'")
                .query().listOfRows();
        long id = insertCode(jdbc, fullscript.mintCode(REDIRECT_URI), "us", clock.instant());

        await().atMost(PATIENCE).until(() -> "EXCHANGED".equals(codeRow(jdbc, id).get("status")));
        assertThat(output).contains("LISTEN connection lost").contains("listening again on tokenworker_work");
        long listeners = jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tokenworker listen'")
                .query(Long.class).single();
        assertThat(listeners).as("one listening session again").isEqualTo(1);
    }

    @Test
    void startWhenListenIsOffThenTheNodeSaysOnceThatItPollsAndOpensNoListeningSession(CapturedOutput output) {
        TestWorker node = startedNode("off");

        assertThat(output).containsOnlyOnce("TOKENWORKER_LISTEN=off");
        assertThat(node.jdbc().sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                + "'tokenworker listen'").query(Long.class).single()).isZero();
    }

    /**
     * A notification reaches only the sessions of its own database: listening on another database is what a
     * transaction-mode pooler amounts to (the LISTEN lands on a session that never hears the worker's NOTIFY).
     */
    @Test
    void startWhenANotificationSentThroughThePoolNeverArrivesThenTheNodeSaysSoOnceAndPolls(CapturedOutput output) {
        DatabaseTarget elsewhere = TestDatabase.freshDatabase();
        ListeningElsewhere.target = elsewhere;
        TestWorker node = startedNode("auto", ListeningElsewhere.class);

        assertThat(output).containsOnlyOnce("did not arrive within 2000 ms")
                .contains("a connection pooler in transaction mode cannot LISTEN")
                .doesNotContain("listening on tokenworker_work");
        assertThat(node.jdbc().sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                + "'tokenworker listen'").query(Long.class).single()).as("the failed listener closed").isZero();
    }

    @Configuration(proxyBeanMethods = false)
    static class ListeningElsewhere {
        static DatabaseTarget target;

        @Bean
        @Primary
        SessionConnections sessionsOnAnotherDatabase() {
            return new SessionConnections(target.url(), target.username(), target.password());
        }
    }

    /** A started node whose first run (the trigger's first fire, at start) has ended. */
    private TestWorker startedNode(String listen, Class<?>... extraSources) {
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_INTERVAL", AN_HOUR.toString());
        env.put("TOKENWORKER_REFRESH_MARGIN", "PT100M");
        env.put("TOKENWORKER_LISTEN", listen);
        TestWorker node = TestWorker.start(database, env, clock, Map.of(), extraSources);
        workers.add(node);
        node.bean(ScheduledWorker.class).start();
        JdbcClient jdbc = node.jdbc();
        await().atMost(PATIENCE).until(() -> executions(jdbc) == 1 && running(jdbc) == 0);
        return node;
    }

    private static long executions(JdbcClient jdbc) {
        return jdbc.sql("SELECT count(*) FROM batch_job_execution").query(Long.class).single();
    }

    private static long running(JdbcClient jdbc) {
        return jdbc.sql("SELECT count(*) FROM batch_job_execution WHERE end_time IS NULL").query(Long.class).single();
    }
}
