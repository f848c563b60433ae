package com.clinic.tokenworker.schedule;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two daemon nodes (two worker contexts, each with its Quartz scheduler started) on one database, on the real
 * clock since Quartz keeps its own time. Runs are made longer than the interval (latency on every call), so
 * without the cluster-wide {@code @DisallowConcurrentExecution} the nodes would overlap.
 */
class ClusteredDaemonTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private final Clock clock = Clock.systemUTC();
    private FakeFullscriptServer fullscript;
    private TestWorker nodeA;
    private TestWorker nodeB;
    private JdbcClient jdbc;

    @BeforeEach
    void startTwoNodes() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.builder().latency(Duration.ofMillis(100)).build(),
                clock);
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_INTERVAL", INTERVAL.toString());
        // The whole budget's burst (500) covers the 350 codes, so the budget never paces the test.
        env.put("TOKENWORKER_REQUESTS_PER_5MIN", "5000");
        DatabaseTarget database = TestDatabase.freshDatabase();
        OnePoolForBothNodes.pool = new HikariDataSource();
        OnePoolForBothNodes.pool.setJdbcUrl(database.url());
        OnePoolForBothNodes.pool.setUsername(database.username());
        OnePoolForBothNodes.pool.setMaximumPoolSize(40);
        nodeA = TestWorker.start(database, env, clock, Map.of(), OnePoolForBothNodes.class);
        nodeB = TestWorker.start(database, env, clock, Map.of(), OnePoolForBothNodes.class);
        jdbc = nodeA.jdbc();
        nodeA.bean(ScheduledWorker.class).start();
        nodeB.bean(ScheduledWorker.class).start();
    }

    @AfterEach
    void stopAll() {
        nodeA.close();
        nodeB.close();
        OnePoolForBothNodes.pool.close();
        fullscript.close();
    }

    /**
     * Quartz keeps its job store's DataSource in a JVM-wide registry under the scheduler name, which is the
     * cluster's name and so the same on both nodes: in one JVM, both schedulers would end up on the pool of the
     * context started last, outside the other context's transactions. Sharing one pool keeps them consistent.
     * (In production every node is its own JVM.)
     */
    @Configuration(proxyBeanMethods = false)
    static class OnePoolForBothNodes {
        static HikariDataSource pool;

        @Bean(destroyMethod = "")
        DataSource dataSource() {
            return pool;
        }
    }

    @Test
    void daemonsWhenTwoShareOneDatabaseThenRunsNeverOverlapAndEveryCodeIsSentOnceEvenWhenOneStops()
            throws Exception {
        List<String> codes = new ArrayList<>();
        insertCodes(codes, 300);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> count("status = 'EXCHANGED'") >= 50 && runningExecutionLaunchedBy() != null);

        // Stop the node that is in the middle of a run: the hardest moment to lose work.
        String busy = runningExecutionLaunchedBy();
        TestWorker stopped = busy.equals(identity(nodeA)) ? nodeA : nodeB;
        TestWorker remaining = stopped == nodeA ? nodeB : nodeA;
        LocalLaunches.Tally stoppedTally = stopped.bean(ScheduledWorker.class).stop();
        insertCodes(codes, 50);
        await().atMost(Duration.ofSeconds(60)).until(() -> count("status IN ('PENDING', 'EXCHANGING')") == 0);
        remaining.bean(ScheduledWorker.class).stop();

        assertThat(count("status = 'EXCHANGED'")).isEqualTo(350);
        assertThat(codes).allSatisfy(code -> assertThat(fullscript.timesCodeSent(code)).as("sends").isEqualTo(1));
        assertThat(fullscript.codesSentMoreThanOnce()).isEmpty();
        assertThat(stoppedTally.stopped()).as("the stopped node's run ended STOPPED").isEqualTo(1);
        assertThat(stoppedTally.allEndedProperly()).isTrue();

        List<Run> runs = runs();
        assertThat(runs).allSatisfy(run -> assertThat(run.status()).isIn("COMPLETED", "STOPPED"));
        assertThat(runs).as("some run outlasted the 1 s interval, so an overlap was possible")
                .anySatisfy(run -> assertThat(Duration.between(run.start(), run.end())).isGreaterThan(INTERVAL));
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i).start()).as("run %d starts after run %d ended", i, i - 1)
                    .isAfterOrEqualTo(runs.get(i - 1).end());
        }
        assertThat(runs).extracting(Run::launchedBy).contains(identity(stopped), identity(remaining));
        assertThat(runs.get(runs.size() - 1).launchedBy()).as("the remaining node kept firing")
                .isEqualTo(identity(remaining));
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers").query(Long.class).single())
                .as("a stopping node leaves the shared trigger in place").isEqualTo(1);
    }

    private static String identity(TestWorker node) {
        return node.bean(WorkerIdentity.class).id();
    }

    private String runningExecutionLaunchedBy() {
        return jdbc.sql("""
                        SELECT p.parameter_value FROM batch_job_execution e
                        JOIN batch_job_execution_params p
                          ON p.job_execution_id = e.job_execution_id AND p.parameter_name = :launchedBy
                        WHERE e.status = 'STARTED'
                        ORDER BY e.job_execution_id LIMIT 1
                        """)
                .param("launchedBy", TokenMaintenanceLauncher.LAUNCHED_BY)
                .query(String.class).optional().orElse(null);
    }

    private void insertCodes(List<String> codes, int n) {
        for (int i = 0; i < n; i++) {
            String code = fullscript.mintCode(REDIRECT_URI);
            codes.add(code);
            insertCode(jdbc, code, "us", Instant.now(clock));
        }
    }

    private long count(String where) {
        return jdbc.sql("SELECT count(*) FROM oauth_pending_code WHERE " + where).query(Long.class).single();
    }

    private record Run(long id, LocalDateTime start, LocalDateTime end, String status, String launchedBy) {
    }

    private List<Run> runs() {
        return jdbc.sql("""
                        SELECT e.job_execution_id, e.start_time, e.end_time, e.status, p.parameter_value AS launched_by
                        FROM batch_job_execution e
                        JOIN batch_job_execution_params p
                          ON p.job_execution_id = e.job_execution_id AND p.parameter_name = :launchedBy
                        ORDER BY e.start_time
                        """)
                .param("launchedBy", TokenMaintenanceLauncher.LAUNCHED_BY)
                .query((rs, n) -> new Run(rs.getLong(1), rs.getObject(2, LocalDateTime.class),
                        rs.getObject(3, LocalDateTime.class), rs.getString(4), rs.getString(5)))
                .list();
    }
}
