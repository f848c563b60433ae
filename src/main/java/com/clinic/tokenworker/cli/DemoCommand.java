package com.clinic.tokenworker.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.Setting;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.demo.CodeCounts;
import com.clinic.tokenworker.demo.DemoCase;
import com.clinic.tokenworker.demo.DemoCodes;
import com.clinic.tokenworker.demo.DemoEnvironment;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
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

    @ParentCommand
    TokenWorkerCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    DemoOptions options;

    @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "PT2M",
            converter = IsoDurationConverter.class,
            description = "Give up after this long (ISO-8601, default ${DEFAULT-VALUE}); the summary says how long "
                    + "the demo took.")
    Duration timeLimit;


    @Override
    public Integer call() {
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--time-limit': "
                    + "expected a positive ISO-8601 duration, got '" + timeLimit + "' (example: --time-limit=PT5M)");
        }
        DemoEnvironment environment = new DemoEnvironment(SettingOptions.environment(parent.environment(), options));
        Map<Setting, String> optionNames = SettingOptions.optionNames(options);
        Clock clock = parent.clock();
        PrintWriter out = spec.commandLine().getOut();
        TokenWorkerProperties checked = null;
        try {
            // Validated before anything starts, with stand-in servers; the real ones only have ports afterwards.
            checked = TokenWorkerProperties.fromEnvironment(environment.withPlaceholderServers(), optionNames);
            announceIgnored(environment.ignored());
            try (DemoFullscript fullscript = DemoFullscript.start(clock)) {
                TokenWorkerProperties properties = TokenWorkerProperties.fromEnvironment(
                        environment.withServers(fullscript), optionNames);
                boolean terminal = System.console() != null;
                try (WorkerSession session = WorkerSession.open(properties, clock, Map.of())) {
                    if (terminal) {
                        quietWhileTheBarShows();
                    }
                    return demo(session, properties, fullscript, terminal, environment, out, clock).code();
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
            FailureClassifier.log(log, "demo", code, e, DatabaseAddress.of(checked, optionNames));
            return code.code();
        }
    }

    private ExitCode demo(WorkerSession session, TokenWorkerProperties properties, DemoFullscript fullscript,
                          boolean terminal, DemoEnvironment environment, PrintWriter out, Clock clock)
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
                environment.statusCommand(), properties.refreshMargin()), out);
        if (result.ending() == DemoLoop.Ending.TIME_LIMIT) {
            CodeCounts left = summary.codes();
            spec.commandLine().getErr().println("the time limit (" + timeLimit + ") passed with " + left.waiting()
                    + " code(s) still waiting; see the log above");
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }

    private static void announceIgnored(List<String> ignored) {
        if (!ignored.isEmpty()) {
            log.warn("demo ignores {}: it only ever uses its embedded database, its fake Fullscript servers and a "
                    + "throwaway key", String.join(", ", ignored));
        }
        log.warn("TOKEN_ENCRYPTION_KEY: the demo encrypts tokens with a DEMO key generated for this run and never "
                + "stored, so they cannot be decrypted afterwards. Real runs need a key of their own "
                + "(openssl rand -base64 32).");
    }

    /**
     * The job's INFO lines would tear the bar apart, and they are in the job tables anyway. Set on logback itself,
     * which logging.WorkerLogConfigurator configures (Spring's logging system is switched off, see WorkerContext).
     */
    private static void quietWhileTheBarShows() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger("com.clinic.tokenworker").setLevel(Level.WARN);
            logback.getLogger("com.clinic.tokenworker.cli").setLevel(Level.INFO);
        }
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
}
