package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.EncryptionKey;
import com.clinic.tokenworker.demo.CodeCounts;
import com.clinic.tokenworker.demo.DemoCase;
import com.clinic.tokenworker.demo.DemoCodes;
import com.clinic.tokenworker.demo.DemoFullscript;
import com.clinic.tokenworker.demo.DemoLoop;
import com.clinic.tokenworker.demo.DemoMix;
import com.clinic.tokenworker.demo.DemoProgress;
import com.clinic.tokenworker.demo.DemoReport;
import com.clinic.tokenworker.demo.DemoSummary;
import com.clinic.tokenworker.embedded.EmbeddedDatabase;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.jdbc.core.simple.JdbcClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Runs the worker on an embedded database against fake Fullscript servers, then sums up.",
        description = {
                "Shows the worker at work with nothing installed or configured: an embedded PostgreSQL, two fake "
                        + "Fullscript servers (US and Canada) in this process, a realistic mix of codes (ordinary, "
                        + "late, rejected, failing transiently, near expiry), tokenMaintenanceJob every second until "
                        + "every code is final, then a summary read back from the database.",
                "",
                "It never touches a real database or Fullscript: SPRING_DATASOURCE_*, FULLSCRIPT_* and "
                        + "TOKEN_ENCRYPTION_* are ignored, and tokens are encrypted with a key generated for the run.",
                ""})
public class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    /** The demo's own stand-ins replace these: a demo must never reach a real database, Fullscript or key. */
    static final List<Setting> REPLACED_BY_THE_DEMO = List.of(
            Setting.SPRING_DATASOURCE_URL, Setting.SPRING_DATASOURCE_USERNAME, Setting.SPRING_DATASOURCE_PASSWORD,
            Setting.FULLSCRIPT_ENVIRONMENT,
            Setting.FULLSCRIPT_US_CLIENT_ID, Setting.FULLSCRIPT_US_CLIENT_SECRET, Setting.FULLSCRIPT_US_BASE_URL,
            Setting.FULLSCRIPT_CA_CLIENT_ID, Setting.FULLSCRIPT_CA_CLIENT_SECRET, Setting.FULLSCRIPT_CA_BASE_URL,
            Setting.TOKEN_ENCRYPTION_KEY, Setting.TOKEN_ENCRYPTION_PREVIOUS_KEYS);

    @ParentCommand
    TokenWorkerCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> overrides = new HashMap<>();

    @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "PT2M",
            converter = IsoDurationConverter.class,
            description = "Give up after this long (ISO-8601, default ${DEFAULT-VALUE}); the demo usually needs "
                    + "about 10 seconds.")
    Duration timeLimit;

    @Option(names = "--embedded-data-dir", paramLabel = "DIR",
            description = "Overrides TOKENWORKER_EMBEDDED_DATA_DIR.")
    void embeddedDataDir(String value) {
        overrides.put(Setting.TOKENWORKER_EMBEDDED_DATA_DIR.name(), value);
    }

    @Option(names = "--embedded-port", paramLabel = "PORT", description = "Overrides TOKENWORKER_EMBEDDED_PORT.")
    void embeddedPort(String value) {
        overrides.put(Setting.TOKENWORKER_EMBEDDED_PORT.name(), value);
    }

    @Option(names = "--concurrency", paramLabel = "N", description = "Overrides TOKENWORKER_CONCURRENCY.")
    void concurrency(String value) {
        overrides.put(Setting.TOKENWORKER_CONCURRENCY.name(), value);
    }

    @Override
    public Integer call() {
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--time-limit must be positive, got "
                    + timeLimit);
        }
        Map<String, String> given = TokenWorkerProperties.overlay(parent.environment(), overrides);
        Clock clock = parent.clock();
        PrintWriter out = spec.commandLine().getOut();
        try {
            // Validated before anything starts, with stand-in servers; the real ones only have ports afterwards.
            TokenWorkerProperties.fromEnvironment(demoEnvironment(given, placeholderServers()));
            announceIgnored(given);
            try (DemoFullscript fullscript = DemoFullscript.start(clock)) {
                TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(
                        demoEnvironment(given, fullscript.environment()));
                boolean terminal = System.console() != null;
                try (WorkerSession session = WorkerSession.open(properties, clock, Map.of())) {
                    if (terminal) {
                        quietWhileTheBarShows(session.bean(LoggingSystem.class));
                    }
                    return demo(session, properties, fullscript, terminal, given, out, clock).code();
                }
            }
        } catch (InvalidConfigurationException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCode.INVALID_CONFIGURATION.code();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("demo interrupted");
            return ExitCode.FAILURE.code();
        } catch (Exception e) {
            ExitCode code = FailureClassifier.classify(List.of(e));
            log.error("demo failed ({}): {}", code, FailureClassifier.rootMessage(e));
            return code.code();
        }
    }

    private ExitCode demo(WorkerSession session, TokenWorkerProperties properties, DemoFullscript fullscript,
                          boolean terminal, Map<String, String> given, PrintWriter out, Clock clock)
            throws InterruptedException {
        JdbcClient jdbc = session.bean(JdbcClient.class);
        DemoCodes codes = new DemoCodes(jdbc);
        codes.requireOnlyDemoRows();
        int forgotten = codes.forgetPreviousRun();
        if (forgotten > 0) {
            log.info("removed {} code and token row(s) left by an earlier demo", forgotten);
        }
        List<DemoCase> mix = DemoMix.standard();
        // Half the margin: inside it at once, and still valid, like a token authorized an hour and a half ago.
        codes.plant(mix, fullscript, clock.instant(), properties.refreshMargin().dividedBy(2));
        printPlan(mix, fullscript, out);

        DemoLoop.Result result;
        try (DemoProgress progress = DemoProgress.choose(terminal, DemoMix.total(mix), clock)) {
            result = new DemoLoop(session.bean(TokenMaintenanceLauncher.class), codes, clock).run(timeLimit, progress);
        }
        DemoSummary summary = DemoSummary.read(jdbc, session.bean(JobRepository.class), result, clock.instant(),
                properties.refreshMargin());
        EmbeddedDatabase database = session.embedded().orElseThrow();
        DemoReport.print(summary, new DemoReport.Where(database.target().url(), database.dataDirectory(),
                statusCommand(given), properties.refreshMargin()), out);
        if (result.ending() == DemoLoop.Ending.TIME_LIMIT) {
            CodeCounts left = summary.codes();
            spec.commandLine().getErr().println("the time limit (" + timeLimit + ") passed with " + left.waiting()
                    + " code(s) still waiting; see the log above");
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }

    /** The given environment with the demo's database, servers and key in place of whatever was set. */
    static Map<String, String> demoEnvironment(Map<String, String> given, Map<String, String> servers) {
        Map<String, String> env = new HashMap<>(given);
        REPLACED_BY_THE_DEMO.forEach(setting -> env.remove(setting.name()));
        env.putAll(servers);
        env.put(Setting.TOKEN_ENCRYPTION_KEY.name(), EncryptionKey.generate().toBase64());
        return env;
    }

    private static Map<String, String> placeholderServers() {
        Map<String, String> env = new HashMap<>();
        for (Region region : Region.values()) {
            env.put(region.variablePrefix() + "CLIENT_ID", "demo");
            env.put(region.variablePrefix() + "CLIENT_SECRET", "demo");
            env.put(region.variablePrefix() + "BASE_URL", "http://127.0.0.1:1");
        }
        return env;
    }

    private static void announceIgnored(Map<String, String> given) {
        String ignored = REPLACED_BY_THE_DEMO.stream()
                .map(Setting::name)
                .filter(name -> given.get(name) != null && !given.get(name).isBlank())
                .collect(Collectors.joining(", "));
        if (!ignored.isEmpty()) {
            log.warn("demo ignores {}: it only ever uses its embedded database, its fake Fullscript servers and a "
                    + "throwaway key", ignored);
        }
        log.warn("TOKEN_ENCRYPTION_KEY: the demo encrypts tokens with a DEMO key generated for this run and never "
                + "stored, so they cannot be decrypted afterwards. Real runs need a key of their own "
                + "(openssl rand -base64 32).");
    }

    /**
     * The job's INFO lines would tear the bar apart, and they are in the job tables anyway. Set on the logging
     * system itself: properties handed to the context rank below application.properties, which sets INFO.
     */
    private static void quietWhileTheBarShows(LoggingSystem logging) {
        logging.setLogLevel("com.clinic.tokenworker", LogLevel.WARN);
        logging.setLogLevel("com.clinic.tokenworker.cli", LogLevel.INFO);
    }

    private static void printPlan(List<DemoCase> mix, DemoFullscript fullscript, PrintWriter out) {
        out.println();
        out.println("Demo: " + DemoMix.total(mix) + " codes inserted into oauth_pending_code as a web tier would, "
                + "for two fake Fullscript servers (US " + fullscript.server(Region.US).baseUrl() + ", CA "
                + fullscript.server(Region.CA).baseUrl() + "):");
        for (DemoCase demoCase : mix) {
            out.printf("  %3d  %s  %s%n", demoCase.count(), demoCase.region().code(), demoCase.description());
        }
        out.println("Running tokenMaintenanceJob every second until every code is final...");
        out.flush();
    }

    /** The status command that reads the same embedded folder: the variables the user set, repeated. */
    private static String statusCommand(Map<String, String> given) {
        String prefix = Stream.of(Setting.TOKENWORKER_EMBEDDED_DATA_DIR, Setting.TOKENWORKER_EMBEDDED_PORT)
                .filter(s -> given.get(s.name()) != null && !given.get(s.name()).isBlank())
                .map(s -> s.name() + "=" + given.get(s.name()) + " ")
                .collect(Collectors.joining());
        return prefix + "java -jar target/fullscript-token-worker.jar status";
    }
}
