package com.clinic.tokenworker.cli;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerProcess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code run --window}: Quartz fires the job for the window, then the process stops and exits. Real clock. */
class RunWindowTest {

    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private FakeFullscriptServer fullscript;
    private DatabaseTarget database;
    private JdbcClient jdbc;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.builder().latency(Duration.ofMillis(50)).build(),
                clock);
        resources.add(fullscript);
        database = TestDatabase.freshDatabase();
        env = FullscriptFixture.environmentFor(fullscript);
        env.put("TOKENWORKER_INTERVAL", "PT1S");
        env.put("TOKENWORKER_REQUESTS_PER_5MIN", "5000");
        env.put("SPRING_DATASOURCE_URL", database.url());
        env.put("SPRING_DATASOURCE_USERNAME", database.username());
        // Migrates the schema and gives the test its view of the tables; its scheduler is never started.
        TestWorker tables = TestWorker.start(database, env, clock);
        resources.add(tables);
        jdbc = tables.jdbc();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void runWithWindowWhenIntervalIsOneSecondThenSeveralExecutionsRunAndTheProcessExitsZero() {
        String code = fullscript.mintCode(REDIRECT_URI);
        long id = insertCode(jdbc, code, "us", Instant.now(clock));

        int exit = Main.execute(env, clock, "run", "--window=PT3S");

        assertThat(exit).isZero();
        List<String> statuses = jdbc.sql("SELECT status FROM batch_job_execution").query(String.class).list();
        // The window may end while an execution is running: it is stopped gracefully, a proper end too.
        assertThat(statuses).hasSizeGreaterThanOrEqualTo(2).allSatisfy(s -> assertThat(s).isIn("COMPLETED", "STOPPED"))
                .contains("COMPLETED");
        assertThat(jdbc.sql("SELECT status FROM oauth_pending_code WHERE id = :id").param("id", id)
                .query(String.class).single()).isEqualTo("EXCHANGED");
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers").query(Long.class).single())
                .as("the trigger outlives the window, for the next pod or a daemon").isEqualTo(1);
        System.out.printf("MEASURED run --window=PT3S at PT1S: %d executions%n", statuses.size());
    }

    @Test
    void runWithWindowWhenFullscriptRejectsTheCredentialsThenExitsWithTheWorstExitCode() {
        insertCode(jdbc, fullscript.mintCode(REDIRECT_URI), "us", Instant.now(clock));
        Map<String, String> wrongSecret = new HashMap<>(env);
        wrongSecret.put("FULLSCRIPT_US_CLIENT_SECRET", "not-the-secret");

        int exit = Main.execute(wrongSecret, clock, "run", "--window=PT2S");

        assertThat(exit).isEqualTo(ExitCode.CREDENTIALS_REJECTED.code());
    }

    @Test
    void runWithWindowWhenTheWindowIsNotPositiveThenUsageError() {
        assertThat(Main.execute(env, clock, "run", "--window=PT0S")).isEqualTo(ExitCode.USAGE.code());
        assertThat(Main.execute(env, clock, "run", "--window=four-minutes")).isEqualTo(ExitCode.USAGE.code());
    }

    /**
     * Two CronJob pods whose windows overlap, and a daemon, each a real JVM on one database. All three share the
     * one cluster-wide trigger: whichever node acquires a fire runs it, the others idle, and each exits 0.
     */
    @Test
    void runWithWindowWhenTwoWindowsAndADaemonOverlapThenEachExitsZeroAndNoCodeIsSentTwice() throws Exception {
        List<String> codes = new ArrayList<>();
        insertCodes(codes, 100);
        WorkerProcess daemon = started(WorkerProcess.start("overlap-daemon", database, env, "daemon"));
        WorkerProcess first = started(WorkerProcess.start("overlap-window-1", database, env, "run", "--window=PT8S"));
        WorkerProcess second = started(WorkerProcess.start("overlap-window-2", database, env, "run", "--window=PT8S"));
        await().atMost(Duration.ofSeconds(90)).until(() -> nodesCheckedIn() == 3);
        insertCodes(codes, 50);

        assertThat(first.awaitExit(Duration.ofSeconds(90))).as("log: %s", first.logFile()).isZero();
        assertThat(second.awaitExit(Duration.ofSeconds(90))).as("log: %s", second.logFile()).isZero();
        insertCodes(codes, 20);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                "SELECT count(*) FROM oauth_pending_code WHERE status IN ('PENDING', 'EXCHANGING')")
                .query(Long.class).single() == 0);
        daemon.terminate();
        assertThat(daemon.awaitExit(Duration.ofSeconds(45))).as("log: %s", daemon.logFile()).isZero();

        assertThat(codes).allSatisfy(code -> assertThat(fullscript.timesCodeSent(code)).isEqualTo(1));
        assertThat(jdbc.sql("SELECT count(*) FROM oauth_pending_code WHERE status = 'EXCHANGED'")
                .query(Long.class).single()).isEqualTo(170);
        List<LocalDateTime[]> runs = jdbc.sql(
                        "SELECT start_time, end_time FROM batch_job_execution ORDER BY start_time")
                .query((rs, n) -> new LocalDateTime[] {rs.getObject(1, LocalDateTime.class),
                        rs.getObject(2, LocalDateTime.class)})
                .list();
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i)[0]).as("run %d starts after run %d ended", i, i - 1)
                    .isAfterOrEqualTo(runs.get(i - 1)[1]);
        }
        assertThat(jdbc.sql("SELECT DISTINCT status FROM batch_job_execution").query(String.class).list())
                .allSatisfy(status -> assertThat(status).isIn("COMPLETED", "STOPPED"));
    }

    private long nodesCheckedIn() {
        return jdbc.sql("SELECT count(*) FROM qrtz_scheduler_state").query(Long.class).single();
    }

    private void insertCodes(List<String> codes, int n) {
        for (int i = 0; i < n; i++) {
            String code = fullscript.mintCode(REDIRECT_URI);
            codes.add(code);
            insertCode(jdbc, code, "us", Instant.now(clock));
        }
    }

    private WorkerProcess started(WorkerProcess process) {
        resources.add(process);
        return process;
    }
}
