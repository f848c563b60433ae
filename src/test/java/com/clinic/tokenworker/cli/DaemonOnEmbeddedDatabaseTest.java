package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FreePort;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.WorkerProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code daemon} on the embedded development database, stopped by SIGTERM while calls are in flight: the embedded
 * server must stop only after the graceful stop has recorded them (issue 9, hole 9: it used to be stopped by its
 * own shutdown hook at once, and the daemon exited 1 in two tries of three).
 */
class DaemonOnEmbeddedDatabaseTest {

    private static final Duration GRACE_PERIOD = Duration.ofSeconds(45);
    private static final int ROUNDS = 3;

    @Test
    void daemonWhenSigtermArrivesMidCallOnTheEmbeddedDatabaseThenItExitsZeroEveryTime(@TempDir Path dataDir)
            throws Exception {
        int port = FreePort.find();
        Clock clock = Clock.systemUTC();
        try (FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock)) {
            Map<String, String> env = FullscriptFixture.environmentForChildWorker(fullscript);
            env.put("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.toString());
            env.put("TOKENWORKER_EMBEDDED_PORT", String.valueOf(port));
            env.put("TOKENWORKER_INTERVAL", "PT1S");
            for (int round = 1; round <= ROUNDS; round++) {
                try (WorkerProcess daemon = WorkerProcess.startOnEmbeddedDatabase("daemon-embedded-" + round, env,
                        "daemon")) {
                    await("daemon started, round " + round).atMost(Duration.ofSeconds(90))
                            .until(() -> daemon.output().contains("Quartz node"));
                    FullscriptFixture.SlowCodes slow = FullscriptFixture.insertSlowCodes(fullscript,
                            jdbcOnEmbedded(port), 2, Duration.ofSeconds(3), clock.instant());
                    await("calls in flight, round " + round).atMost(Duration.ofSeconds(30))
                            .until(() -> slow.codes().stream().allMatch(c -> fullscript.timesCodeSent(c) == 1));

                    daemon.terminate();
                    int exit = daemon.awaitExit(GRACE_PERIOD);

                    assertThat(exit).as("exit code of round %d; log: %s", round, daemon.logFile()).isZero();
                    assertThat(daemon.output()).doesNotContain("terminating connection due to administrator command");
                    try (EmbeddedDatabase restarted = EmbeddedDatabase.start(dataDir, port)) {
                        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(restarted.target().url(),
                                "postgres", ""));
                        assertThat(slow.ids()).as("in-flight calls recorded before the database stopped")
                                .allSatisfy(id -> assertThat(FullscriptFixture.codeRow(jdbc, id))
                                        .containsEntry("status", "EXCHANGED"));
                    }
                }
            }
        }
    }

    private static JdbcClient jdbcOnEmbedded(int port) {
        return JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", ""));
    }
}
