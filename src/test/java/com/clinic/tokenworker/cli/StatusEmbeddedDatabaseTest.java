package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.CommandLineRun;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;

/** {@code status} without SPRING_DATASOURCE_URL: the development default, as a developer meets it. */
class StatusEmbeddedDatabaseTest {

    private final SettableClock clock = new SettableClock(Instant.now());

    @Test
    void statusWhenThereIsNoEmbeddedDatabaseThenCreatesNoneAndSaysWhatToSet(@TempDir Path dataDir) {
        int port = freePort();

        CommandLineRun result = CommandLineRun.execute(embeddedEnvironment(dataDir, port), clock, "status");

        assertThat(result.exitCode()).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(result.err().lines()).containsExactly("invalid configuration:", "  - SPRING_DATASOURCE_URL: is "
                + "not set, and there is no embedded development database to read in " + dataDir.resolve("pgdata")
                + " (status creates none; run or daemon does): set it to the worker's database, or "
                + "TOKENWORKER_EMBEDDED_DATA_DIR to the folder of an existing one (example: "
                + "SPRING_DATASOURCE_URL=jdbc:postgresql://db.internal:5432/clinic)");
        assertThat(result.out()).isEmpty();
        assertThat(dataDir.resolve("pgdata")).as("no cluster created").doesNotExist();
        assertThat(accepts(port)).isFalse();
    }

    @Test
    void statusWhenAnEmbeddedFolderExistsButNoServerRunsThenReadsItAndStopsItAfter(@TempDir Path dataDir) {
        int port = freePort();
        EmbeddedDatabase.start(dataDir.resolve("pgdata"), port).close();

        CommandLineRun result = CommandLineRun.execute(embeddedEnvironment(dataDir, port), clock, "status");

        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(result.err()).contains("embedded PostgreSQL for DEVELOPMENT")
                .contains("error: this database has no token worker schema");
        assertThat(result.out()).isEmpty();
        assertThat(accepts(port)).as("stopped after status").isFalse();
    }

    @Test
    void statusWhenADaemonAlreadyRunsTheEmbeddedDatabaseThenReadsItAndLeavesItRunning(@TempDir Path dataDir) {
        int port = freePort();
        try (EmbeddedDatabase daemonsDatabase = EmbeddedDatabase.start(dataDir, port);
             FakeFullscriptServer fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
             TestWorker daemon = TestWorker.start(daemonsDatabase.target(),
                     FullscriptFixture.environmentFor(fullscript), clock)) {
            assertThat(daemon.runOnce().getStatus()).isEqualTo(BatchStatus.COMPLETED);

            CommandLineRun result = CommandLineRun.execute(embeddedEnvironment(dataDir, port), clock, "status");

            assertThat(result.exitCode()).isEqualTo(ExitCode.OK.code());
            assertThat(result.out()).contains("HEALTHY").contains("tokenMaintenanceJob runs: 1 in total");
            assertThat(daemon.runOnce().getStatus()).as("the daemon's database still runs")
                    .isEqualTo(BatchStatus.COMPLETED);
        }
    }

    private static Map<String, String> embeddedEnvironment(Path dataDir, int port) {
        return Map.of("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.resolve("pgdata").toString(),
                "TOKENWORKER_EMBEDDED_PORT", Integer.toString(port));
    }

    private static boolean accepts(int port) {
        try (var connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", null)) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
