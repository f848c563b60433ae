package com.clinic.tokenworker.cli;

import static com.clinic.tokenworker.support.FullscriptFixture.REDIRECT_URI;
import static com.clinic.tokenworker.support.FullscriptFixture.codeRow;
import static com.clinic.tokenworker.support.FullscriptFixture.insertCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.DatabaseTarget;
import com.clinic.tokenworker.simulator.FakeFullscriptServer;
import com.clinic.tokenworker.simulator.SimulatorOptions;
import com.clinic.tokenworker.support.FullscriptFixture;
import com.clinic.tokenworker.support.SettableClock;
import com.clinic.tokenworker.support.TestDatabase;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** {@code run} as an operator or a CronJob sees it: the process exit code and what is left in the database. */
@ExtendWith(OutputCaptureExtension.class)
class RunCommandTest {

    private final SettableClock clock = SettableClock.startingAt("2026-04-01T08:00:00Z");
    private FakeFullscriptServer fullscript;
    private DatabaseTarget database;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        fullscript = FakeFullscriptServer.start(SimulatorOptions.defaults(), clock);
        database = TestDatabase.freshDatabase();
        env = new HashMap<>(FullscriptFixture.environmentFor(fullscript));
        env.put("SPRING_DATASOURCE_URL", database.url());
        env.put("SPRING_DATASOURCE_USERNAME", database.username());
    }

    @AfterEach
    void stop() {
        fullscript.close();
    }

    @Test
    void runWhenCodesArePendingThenExitsZeroWithThemExchanged(CapturedOutput output) {
        assertThat(Main.execute(env, clock, "run")).as("first run migrates the schema").isZero();
        assertThat(output.getAll()).contains("region ca disabled: FULLSCRIPT_CA_CLIENT_ID and "
                + "FULLSCRIPT_CA_CLIENT_SECRET are not set");
        long id = insertCode(jdbc(), fullscript.mintCode(REDIRECT_URI), "us", clock.instant());

        assertThat(Main.execute(env, clock, "run")).isZero();

        assertThat(codeRow(jdbc(), id)).containsEntry("status", "EXCHANGED");
        assertThat(jdbc().sql("SELECT status FROM batch_job_execution ORDER BY job_execution_id DESC LIMIT 1")
                .query(String.class).single()).isEqualTo("COMPLETED");
    }

    @Test
    void runWhenConfigurationIsInvalidThenExitsThreeBeforeTouchingTheDatabase(CapturedOutput output) {
        env.put("TOKENWORKER_CONCURRENCY", "lots");
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/nowhere");

        assertThat(Main.execute(env, clock, "run")).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(output.getErr()).contains("TOKENWORKER_CONCURRENCY: expected a whole number from 1 to 64")
                .doesNotContain("at com.clinic");
    }

    @Test
    void runWhenEncryptionKeyIsMissingThenExitsThreeNamingIt(CapturedOutput output) {
        env.remove("TOKEN_ENCRYPTION_KEY");

        assertThat(Main.execute(env, clock, "run")).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(output.getErr()).contains("TOKEN_ENCRYPTION_KEY: is required");
    }

    @Test
    void runWhenDatabaseIsUnreachableThenOneLineNamesItsHostAndPort(CapturedOutput output) {
        int port = closedPort();
        env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + port + "/nowhere?password=in-the-url");

        assertThat(Main.execute(env, clock, "run")).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());

        assertThat(problems(output)).containsExactly("ERROR RunCommand - run failed (exit 5): cannot reach the "
                + "database at 127.0.0.1:" + port + "/nowhere (connection refused); check SPRING_DATASOURCE_URL and "
                + "that PostgreSQL accepts connections there");
        assertThat(output.getAll()).doesNotContain("in-the-url", "UnsatisfiedDependencyException", "\tat ",
                env.get("FULLSCRIPT_US_CLIENT_SECRET"));
    }

    @Test
    void runWhenTheDatabaseRefusesTheLoginThenOneLineNamesWhereAndWhatToCheck(CapturedOutput output) {
        // Without the embedded test server's ?user=postgres, which would win over the username.
        env.put("SPRING_DATASOURCE_URL", database.url().replaceFirst("\\?.*$", ""));
        env.put("SPRING_DATASOURCE_USERNAME", "nobody");

        assertThat(Main.execute(env, clock, "run")).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());

        assertThat(problems(output)).containsExactly("ERROR RunCommand - run failed (exit 5): the database at "
                + DatabaseAddress.hostPortAndDatabase(database.url()) + " refused the login (FATAL: role \"nobody\" "
                + "does not exist); check SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD");
        assertThat(output.getAll()).doesNotContain("\tat ");
    }

    @Test
    void runWhenTheDatabaseUrlOptionIsUnreachableThenTheLineNamesTheOption(CapturedOutput output) {
        int port = closedPort();

        assertThat(Main.execute(env, clock, "run", "--database-url=jdbc:postgresql://127.0.0.1:" + port + "/x"))
                .isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());

        assertThat(problems(output)).singleElement().asString().endsWith("check --database-url and that PostgreSQL "
                + "accepts connections there");
    }

    @Test
    void runWhenAnOptionValueIsWrongThenTheProblemNamesTheOptionNotTheVariable(CapturedOutput output) {
        assertThat(Main.execute(env, clock, "run", "--concurrency=abc")).isEqualTo(
                ExitCode.INVALID_CONFIGURATION.code());

        assertThat(output.getErr().lines().toList()).containsExactly("invalid configuration:",
                "  - --concurrency: expected a whole number from 1 to 64, got 'abc' (example: --concurrency=8)");
    }

    @Test
    void runWhenFullscriptRejectsTheCredentialsThenExitsFourAndLeavesCodesPending(CapturedOutput output) {
        assertThat(Main.execute(env, clock, "run")).isZero();
        long first = insertCode(jdbc(), fullscript.mintCode(REDIRECT_URI), "us", clock.instant());
        long second = insertCode(jdbc(), fullscript.mintCode(REDIRECT_URI), "us", clock.instant());
        Map<String, String> wrongSecret = new HashMap<>(env);
        wrongSecret.put("FULLSCRIPT_US_CLIENT_SECRET", "rotated-by-someone");

        assertThat(Main.execute(wrongSecret, clock, "run")).isEqualTo(ExitCode.CREDENTIALS_REJECTED.code());

        assertThat(codeRow(jdbc(), first)).containsEntry("status", "PENDING").containsEntry("attempts", 0);
        assertThat(codeRow(jdbc(), second)).containsEntry("status", "PENDING").containsEntry("attempts", 0);
        assertThat(output.getAll()).contains("FULLSCRIPT_US_CLIENT_SECRET").doesNotContain("rotated-by-someone")
                .as("one line, not Spring Batch's stack trace").doesNotContain("\tat ");
        // The credential check holds the region back; the execution's end says so once, naming what to fix.
        assertThat(problems(output)).singleElement().asString().startsWith("ERROR")
                .contains("Fullscript rejected the client credentials of region us")
                .contains("FULLSCRIPT_US_CLIENT_ID").contains("FULLSCRIPT_US_CLIENT_SECRET");
        assertThat(jdbc().sql("SELECT status FROM batch_job_execution ORDER BY job_execution_id DESC LIMIT 1")
                .query(String.class).single()).isEqualTo("FAILED");

        assertThat(Main.execute(env, clock, "run")).as("fixed configuration").isZero();
        assertThat(codeRow(jdbc(), first)).containsEntry("status", "EXCHANGED");
        assertThat(codeRow(jdbc(), second)).containsEntry("status", "EXCHANGED");
    }

    @Test
    void runWhenDatabaseUrlIsGivenAsAnOptionThenItBeatsEverySpringSetting() {
        // What an exported SPRING_DATASOURCE_URL would do to Spring's own binding, via a system property.
        System.setProperty("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/elsewhere");
        try {
            env.remove("SPRING_DATASOURCE_URL");
            assertThat(Main.execute(env, clock, "run", "--database-url=" + database.url())).isZero();
        } finally {
            System.clearProperty("spring.datasource.url");
        }
        assertThat(jdbc().sql("SELECT count(*) FROM batch_job_execution").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void runWhenCommandIsUnknownThenUsageExitCode() {
        assertThat(Main.execute(env, clock, "exchange-everything")).isEqualTo(ExitCode.USAGE.code());
    }

    /**
     * The WARN and ERROR lines without their time, but for the announcement of a disabled region: what a failed
     * start or run shows beyond its ordinary progress.
     */
    private static List<String> problems(CapturedOutput output) {
        return output.getAll().lines()
                .map(line -> line.replaceFirst("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ", ""))
                .filter(line -> line.startsWith("WARN") || line.startsWith("ERROR"))
                .filter(line -> !line.contains("region ca disabled"))
                .toList();
    }

    private JdbcClient jdbc() {
        return JdbcClient.create(new DriverManagerDataSource(database.url(), database.username(), ""));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
