package com.clinic.tokenworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.support.FreePort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What a person sees when they get a command, an option or a variable wrong: a sentence, never a stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class CommandLineTest {

    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dataDir;

    @Test
    void helpWhenAskedOfEveryCommandThenUsageAndExitZero(CapturedOutput output) {
        for (String name : TokenWorkerCommand.commandLine(Map.of(), CLOCK).getSubcommands().keySet()) {
            int exit = Main.execute(Map.of(), CLOCK, name, "--help");

            assertThat(exit).as(name).isZero();
            assertThat(output.getOut()).as(name).contains("Usage: fullscript-token-worker " + name);
        }
        assertThat(output.getErr()).isEmpty();
    }

    @Test
    void helpWhenItNamesACommandThenThatCommandsUsage(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "help", "status");

        assertThat(exit).isZero();
        assertThat(output.getOut()).contains("Usage: fullscript-token-worker status");
    }

    @Test
    void commandWhenMistypedThenTheSuggestionNamesTheRightOne(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "statu");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr()).contains("status");
    }

    @Test
    void optionWhenUnknownThenUsageErrorNamingItWithoutTheWholeUsage(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "demo", "--no-such-option");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr().lines()).containsExactly("Unknown option: '--no-such-option'",
                "See 'fullscript-token-worker demo --help' for the options.");
    }

    @Test
    void optionWhenMalformedThenUsageErrorNamingIt(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "simulate", "--latency", "300ms");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr()).contains("--latency").contains("300ms").doesNotContain("\tat ");
    }

    @Test
    void helpWhenAskedOfEachCommandThenListsOnlyTheOptionsItUses() {
        assertThat(options("status")).containsExactlyInAnyOrder("--database-url", "--max-silence", "--json",
                "--executions", "--help", "--version");
        assertThat(options("run")).containsExactlyInAnyOrder("--database-url", "--environment", "--concurrency",
                "--requests-per-5min", "--interval", "--refresh-enabled", "--window", "--help", "--version");
        assertThat(options("daemon")).containsExactlyInAnyOrder("--database-url", "--environment", "--concurrency",
                "--requests-per-5min", "--interval", "--refresh-enabled", "--help", "--version");
        assertThat(options("demo")).containsExactlyInAnyOrder("--embedded-data-dir", "--embedded-port",
                "--concurrency", "--time-limit", "--help", "--version");
    }

    @Test
    void helpWhenRunIsDescribedThenNamesEveryStepOfTheJob(CapturedOutput output) {
        Main.execute(Map.of(), CLOCK, "--help");

        assertThat(output.getOut().replaceAll("\\s+", " ")).contains("run Runs tokenMaintenanceJob once and exits: "
                + "checks the Fullscript credentials (hourly), exchanges pending codes, flags and refreshes expiring tokens, revokes the tokens marked "
                + "REVOKE_REQUESTED, and purges history older than TOKENWORKER_HISTORY_RETENTION.");
    }

    @Test
    void windowWhenNotAnIsoDurationThenOneSentenceWithAnExample(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "run", "--window=4m");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr().lines()).containsExactly("Invalid value for option '--window': expected an "
                + "ISO-8601 duration such as PT4M (4 minutes), PT30S or PT0.3S, got '4m'",
                "See 'fullscript-token-worker run --help' for the options.");
    }

    @Test
    void simulateWhenAShareIsOutOfRangeThenNamesTheOptionNotAField(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "simulate", "--rate-limited=2");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr().lines()).containsExactly("Invalid value for option '--rate-limited': expected "
                + "a share from 0 to 1, got '2.0' (example: --rate-limited=0.1)",
                "See 'fullscript-token-worker simulate --help' for the options.");
    }

    @Test
    void numberOptionWhenNotANumberThenASentenceInsteadOfPicocliJargon(CapturedOutput output) {
        int exit = Main.execute(Map.of(), CLOCK, "simulate", "--port=eighty");

        assertThat(exit).isEqualTo(ExitCode.USAGE.code());
        assertThat(output.getErr().lines()).first().isEqualTo("Invalid value for option '--port': expected a whole "
                + "number such as 10, got 'eighty'");
    }

    @Test
    void demoWhenAVariableIsInvalidThenNamesItWithAnExampleAndStartsNothing(CapturedOutput output) {
        Map<String, String> env = Map.of("TOKENWORKER_CONCURRENCY", "lots",
                "TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.resolve("pgdata").toString());

        int exit = Main.execute(env, CLOCK, "demo");

        assertThat(exit).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(output.getErr()).contains("TOKENWORKER_CONCURRENCY: expected a whole number from 1 to 64, "
                + "got 'lots' (example: TOKENWORKER_CONCURRENCY=8)").doesNotContain("\tat ");
        assertThat(Files.exists(dataDir.resolve("pgdata"))).isFalse();
    }

    @Test
    void runWhenProductionHasNoDatabaseUrlThenRefusesTheEmbeddedDatabaseAndStartsNothing(CapturedOutput output) {
        Map<String, String> env = new HashMap<>();
        env.put("FULLSCRIPT_ENVIRONMENT", "production");
        env.put("FULLSCRIPT_US_CLIENT_ID", "id");
        env.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
        env.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());
        env.put("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.resolve("pgdata").toString());

        int exit = Main.execute(env, CLOCK, "run");

        assertThat(exit).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(output.getErr().lines()).containsExactly("invalid configuration:", "  - SPRING_DATASOURCE_URL: "
                + "is required when FULLSCRIPT_ENVIRONMENT is production: the embedded database is for development "
                + "only, its data in a local folder (example: "
                + "SPRING_DATASOURCE_URL=jdbc:postgresql://db.internal:5432/clinic)");
        assertThat(dataDir.resolve("pgdata")).doesNotExist();
    }

    @Test
    void runWhenTheDatabaseUrlIsSetButEmptyThenRefusedInsteadOfUsingTheEmbeddedDatabase(CapturedOutput output) {
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_DATASOURCE_URL", "");
        env.put("FULLSCRIPT_US_CLIENT_ID", "id");
        env.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
        env.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());
        env.put("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.resolve("pgdata").toString());

        int exit = Main.execute(env, CLOCK, "run");

        assertThat(exit).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
        assertThat(output.getErr()).contains("  - SPRING_DATASOURCE_URL: is set but empty");
        assertThat(dataDir.resolve("pgdata")).doesNotExist();
    }

    @Test
    void failureWhenTheLogLevelIsDebugThenItsStackTraceIsShown(CapturedOutput output) throws Exception {
        ch.qos.logback.classic.Logger worker = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger("com.clinic.tokenworker");
        ch.qos.logback.classic.Level before = worker.getLevel();
        worker.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (ServerSocket closed = new ServerSocket(0)) {
            int port = closed.getLocalPort();
            closed.close();
            Map<String, String> env = new HashMap<>();
            env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:" + port + "/nowhere");
            env.put("FULLSCRIPT_US_CLIENT_ID", "id");
            env.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
            env.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());

            assertThat(Main.execute(env, CLOCK, "run")).isEqualTo(ExitCode.DATABASE_UNREACHABLE.code());

            assertThat(output.getAll()).contains("run failed (exit 5): cannot reach the database at 127.0.0.1:"
                    + port + "/nowhere", "stack trace of the failure above", "\tat ");
        } finally {
            worker.setLevel(before);
        }
    }

    @Test
    void shutdownGraceWhenConfigurationChecksTheTimeoutThenItIsTheOneTheSignalHandlerWaits() {
        assertThat(TokenWorkerProperties.SHUTDOWN_GRACE).isEqualTo(TerminationSignal.HARD_LIMIT);
    }

    @Test
    void embeddedDefaultWhenItsPortIsTakenThenNamesTheVariableInsteadOfUsingTheOtherServer(CapturedOutput output)
            throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = new HashMap<>();
            env.put("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.toString());
            env.put("TOKENWORKER_EMBEDDED_PORT", String.valueOf(taken.getLocalPort()));
            env.put("FULLSCRIPT_US_CLIENT_ID", "id");
            env.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
            env.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());

            int exit = Main.execute(env, CLOCK, "run");

            assertThat(exit).isEqualTo(ExitCode.INVALID_CONFIGURATION.code());
            assertThat(output.toString()).contains("TOKENWORKER_EMBEDDED_PORT: port " + taken.getLocalPort()
                    + " is already in use").doesNotContain("\tat ");
        }
    }

    private static List<String> options(String command) {
        return TokenWorkerCommand.commandLine(Map.of(), CLOCK).getSubcommands().get(command).getCommandSpec()
                .options().stream().map(option -> option.longestName()).toList();
    }

    @Test
    void embeddedDefaultWhenStartedThenSaysItIsForDevelopmentAndPrintsItsUrl(CapturedOutput output) {
        int port = FreePort.find();
        Map<String, String> env = new HashMap<>();
        env.put("TOKENWORKER_EMBEDDED_DATA_DIR", dataDir.toString());
        env.put("TOKENWORKER_EMBEDDED_PORT", String.valueOf(port));
        env.put("FULLSCRIPT_US_CLIENT_ID", "id");
        env.put("FULLSCRIPT_US_CLIENT_SECRET", "secret");
        env.put("FULLSCRIPT_US_BASE_URL", "http://127.0.0.1:1");
        env.put("TOKEN_ENCRYPTION_KEY", EncryptionKey.generate().toBase64());

        int exit = Main.execute(env, CLOCK, "run");

        assertThat(exit).isZero();
        assertThat(output.getAll()).contains("DEVELOPMENT only", "jdbc:postgresql://localhost:" + port + "/postgres")
                .doesNotContain("initdb", "Starting Main");
    }
}
