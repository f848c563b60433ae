package com.clinic.tokenworker.schedule;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.cli.Main;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.Fault;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.TestDatabase;
import com.clinic.tokenworker.support.TestWorker;
import com.clinic.tokenworker.support.WorkerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code daemon} as a real child JVM, stopped the two ways Kubernetes stops a pod: SIGTERM (then 45 s of grace)
 * and SIGKILL. Real clock throughout, since Quartz keeps its own time.
 */
@ExtendWith(OutputCaptureExtension.class)
class DaemonProcessTest {

    /** terminationGracePeriodSeconds of the pods in k8s/. */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(45);

    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, Long> ids = new HashMap<>();
    private FakeFullscriptServer fullscript;
    private DatabaseTarget database;
    private JdbcClient jdbc;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        resources.add(fullscript);
        database = TestDatabase.freshDatabase();
        // Migrates the schema and gives the test its view of the tables; its scheduler is never started.
        TestWorker tables = TestWorker.start(database, FullscriptFixture.environmentFor(fullscript), clock);
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
    void daemonWhenSigtermArrivesMidRunThenInFlightCallsAreRecordedTheExecutionStopsAndTheProcessExitsZero()
            throws Exception {
        List<String> slow = mintAndInsert(4);
        slow.forEach(code -> fullscript.faultForCode(code, new Fault.Slow(Duration.ofSeconds(5)), 1));
        List<String> waiting = mintAndInsert(8);
        Map<String, String> env = daemonEnvironment(fullscript.baseUrl().toString());
        env.put("TOKENWORKER_CONCURRENCY", "4");
        WorkerProcess daemon = started(WorkerProcess.start("daemon-sigterm", database, env, "daemon"));
        await().atMost(Duration.ofSeconds(60)).until(() -> count("status = 'EXCHANGING'") == 4);

        Instant signalled = Instant.now(clock);
        daemon.terminate();
        int exit = daemon.awaitExit(GRACE_PERIOD);
        Duration shutdown = Duration.between(signalled, Instant.now(clock));

        assertThat(exit).as("exit code; log: %s", daemon.logFile()).isZero();
        assertThat(shutdown).isLessThan(GRACE_PERIOD);
        assertThat(count("status = 'EXCHANGING'")).as("no claim left behind").isZero();
        assertThat(slow).allSatisfy(code -> assertThat(statusOf(code)).isEqualTo("EXCHANGED"));
        assertThat(waiting).as("codes not yet claimed wait for the next run")
                .allSatisfy(code -> assertThat(statusOf(code)).isEqualTo("PENDING"));
        assertThat(fullscript.codesSentMoreThanOnce()).isEmpty();
        assertThat(jdbc.sql("SELECT status FROM batch_job_execution").query(String.class).list())
                .isNotEmpty().allSatisfy(status -> assertThat(status).isIn("STOPPED", "COMPLETED"));
        assertThat(jdbc.sql("SELECT count(*) FROM batch_job_execution WHERE end_time IS NULL")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT trigger_state FROM qrtz_triggers").query(String.class).single())
                .as("the trigger stays for the other nodes, not blocked").isEqualTo("WAITING");
        assertThat(daemon.output()).contains("termination requested").contains("asked job execution")
                .contains("stopped in");
        System.out.printf("MEASURED sigterm-to-exit %d ms%n", shutdown.toMillis());
    }

    /**
     * The killed daemon's calls went into a black hole (a socket that accepts and never answers), so its claimed
     * codes never reached Fullscript: that is the case a lapsed lease exists for. (A code whose request did reach
     * Fullscript before the kill is used up; its retry ends FAILED with invalid_grant, see ExchangeCodesStepTest.)
     */
    @Test
    void daemonWhenKilledThenTheNextStartRecoversItsExecutionAndExchangesItsCodesOnceTheLeaseLapses(
            CapturedOutput output) throws Exception {
        List<String> codes = mintAndInsert(6);
        Map<String, String> env = daemonEnvironment(fullscript.baseUrl().toString());
        Map<String, String> blackHoled = new HashMap<>(env);
        blackHoled.put("FULLSCRIPT_US_BASE_URL", "http://127.0.0.1:" + blackHole().getLocalPort());
        blackHoled.put("TOKENWORKER_CONCURRENCY", "4");
        WorkerProcess daemon = started(WorkerProcess.start("daemon-sigkill", database, blackHoled, "daemon"));
        await().atMost(Duration.ofSeconds(60)).until(() -> count("status = 'EXCHANGING'") == 4);

        daemon.kill();
        assertThat(daemon.awaitExit(Duration.ofSeconds(10))).isNotZero();
        long killed = jdbc.sql("SELECT job_execution_id FROM batch_job_execution WHERE status = 'STARTED'")
                .query(Long.class).single();
        assertThat(jdbc.sql("SELECT trigger_state FROM qrtz_triggers").query(String.class).single())
                .as("the dead node left the trigger blocked").isEqualTo("BLOCKED");

        // The next CronJob pod, two minutes later: past the lease, inside the codes' 10 minutes. The dead daemon's
        // liveness lock went with its session, so its execution is recovered at this start.
        Clock twoMinutesLater = Clock.offset(clock, Duration.ofMinutes(2));
        assertThat(Main.execute(withDatabase(env), twoMinutesLater, "run")).isZero();

        assertThat(jdbc.sql("SELECT status, exit_message FROM batch_job_execution WHERE job_execution_id = :id")
                .param("id", killed).query().singleRow())
                .containsEntry("status", "FAILED")
                .hasEntrySatisfying("exit_message", m -> assertThat((String) m).contains("its process is gone"));
        assertThat(output).contains("job execution " + killed + " of tokenMaintenanceJob");
        assertThat(codes).allSatisfy(code -> {
            assertThat(statusOf(code)).isEqualTo("EXCHANGED");
            assertThat(fullscript.timesCodeSent(code)).isEqualTo(1);
        });

        // And the schedule itself: a daemon started now fires again once Quartz has recovered the dead node's
        // blocked trigger (clusterCheckinInterval 5 s + 7.5 s).
        TestWorker node = TestWorker.start(database, env, clock);
        resources.add(node);
        node.bean(ScheduledWorker.class).start();
        String late = mintAndInsert(1).get(0);
        await().atMost(Duration.ofSeconds(60)).until(() -> "EXCHANGED".equals(statusOf(late)));
        node.bean(ScheduledWorker.class).stop();
        assertThat(fullscript.timesCodeSent(late)).isEqualTo(1);
    }

    private Map<String, String> daemonEnvironment(String fullscriptRoot) {
        Map<String, String> env = FullscriptFixture.environmentFor(fullscript);
        env.put("FULLSCRIPT_US_BASE_URL", fullscriptRoot);
        env.put("TOKENWORKER_INTERVAL", "PT1S");
        env.put("TOKENWORKER_REQUEST_TIMEOUT", "PT30S");
        env.put("TOKENWORKER_LEASE", "PT40S");
        env.put("TOKENWORKER_MAX_RUN_DURATION", "PT1M");
        return env;
    }

    private Map<String, String> withDatabase(Map<String, String> env) {
        Map<String, String> withDatabase = new HashMap<>(env);
        withDatabase.put("SPRING_DATASOURCE_URL", database.url());
        withDatabase.put("SPRING_DATASOURCE_USERNAME", database.username());
        return withDatabase;
    }

    private WorkerProcess started(WorkerProcess process) {
        resources.add(process);
        return process;
    }

    private List<String> mintAndInsert(int n) {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String code = fullscript.mintCode(REDIRECT_URI);
            ids.put(code, insertCode(jdbc, code, "us", Instant.now(clock)));
            codes.add(code);
        }
        return codes;
    }

    private long count(String where) {
        return jdbc.sql("SELECT count(*) FROM oauth_pending_code WHERE " + where).query(Long.class).single();
    }

    /** By row id: a final row no longer holds its code. */
    private String statusOf(String code) {
        return jdbc.sql("SELECT status FROM oauth_pending_code WHERE id = :id").param("id", ids.get(code))
                .query(String.class).single();
    }

    /** Accepts connections and never answers, keeping them open until the test ends. */
    private ServerSocket blackHole() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "black-hole");
        acceptor.setDaemon(true);
        acceptor.start();
        resources.add(() -> {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        });
        return server;
    }
}
