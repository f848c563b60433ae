package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.InvalidConfigurationException;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.ServerRoot;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import com.clinic.tokenworker.schedule.ExecutionStopper;
import com.clinic.tokenworker.schedule.StaleExecutionRecovery;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs tokenMaintenanceJob once and exits: checks the Fullscript credentials (hourly), exchanges "
                + "pending codes, flags and refreshes expiring tokens, revokes the tokens marked REVOKE_REQUESTED, and purges history older than "
                + "TOKENWORKER_HISTORY_RETENTION.",
                "With --window: joins the clustered Quartz scheduler, fires the job every TOKENWORKER_INTERVAL until "
                        + "the window ends, stops like daemon does on SIGTERM, and exits with the worst exit code of "
                        + "the executions it ran."})
public class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    TokenWorkerCommand parent;

    @Mixin
    DatabaseOptions database;

    @Mixin
    WorkerOptions worker;

    @Spec
    CommandSpec spec;

    @Option(names = "--window", paramLabel = "DURATION", converter = IsoDurationConverter.class,
            description = "ISO-8601 duration (e.g. PT4M) to keep firing the job for; without it the job runs once.")
    Duration window;

    @Override
    public Integer call() {
        if (window != null && (window.isNegative() || window.isZero())) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--window': expected a "
                    + "positive ISO-8601 duration, got '" + window + "' (example: --window=PT4M)");
        }
        TokenWorkerProperties properties;
        try {
            properties = SettingOptions.forTokenProcessing(parent.environment(), database, worker);
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            return ExitCode.INVALID_CONFIGURATION.code();
        }
        announceRegions(properties);
        if (window != null) {
            return ScheduledMode.run(properties, parent.clock(), Optional.of(window));
        }
        int code = ExitCode.FAILURE.code();
        try (TerminationSignal signal = TerminationSignal.install()) {
            try {
                code = runOnce(properties, signal);
            } finally {
                // After the context is closed: a SIGTERM hook waiting for us may now end the process.
                signal.finished(code);
            }
        }
        return code;
    }

    /**
     * One execution. SIGTERM (Ctrl-C, a pod deleted) stops it the way it stops a daemon: nothing new is claimed,
     * its in-flight calls are recorded, the execution ends STOPPED, and the process exits 0.
     */
    private int runOnce(TokenWorkerProperties properties, TerminationSignal signal) {
        try (WorkerSession session = WorkerSession.openForOneRun(properties, parent.clock())) {
            session.bean(StaleExecutionRecovery.class).recoverStaleExecutions();
            CountDownLatch launched = new CountDownLatch(1);
            Thread stopper = new Thread(() -> stopOnTermination(signal, session.bean(ExecutionStopper.class),
                    launched), "run-stopper");
            stopper.setDaemon(true);
            stopper.start();
            JobExecution execution;
            try {
                execution = session.bean(TokenMaintenanceLauncher.class).launch(parent.clock().instant());
            } finally {
                launched.countDown();
            }
            if (execution.getStatus() == BatchStatus.STOPPED && signal.isRequested()) {
                log.info("run stopped on request after recording its in-flight calls");
                return ExitCode.OK.code();
            }
            return exitCodeOf(execution).code();
        } catch (Exception e) {
            ExitCode code = FailureClassifier.classify(java.util.List.of(e));
            FailureClassifier.log(log, "run", code, e,
                    DatabaseAddress.of(properties, SettingOptions.optionNames(database, worker)));
            return code.code();
        }
    }

    /** Asks this process's execution to stop once termination is requested; repeats until the launch returns,
     * since a signal can arrive before the execution exists. */
    private static void stopOnTermination(TerminationSignal signal, ExecutionStopper stopper,
                                          CountDownLatch launched) {
        try {
            signal.await();
            Set<Long> asked = new HashSet<>();
            while (launched.getCount() > 0) {
                try {
                    stopper.stopLocalExecutions(asked);
                } catch (RuntimeException e) {
                    // A database blip must not end the asking: the next round tries again.
                    log.warn("could not ask the running execution to stop yet: {}", FailureClassifier.rootMessage(e));
                }
                launched.await(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ExitCode exitCodeOf(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            return ExitCode.OK;
        }
        return FailureClassifier.classify(execution.getAllFailureExceptions());
    }

    static void announceRegions(TokenWorkerProperties properties) {
        for (Region region : Region.values()) {
            properties.credentials(region).ifPresentOrElse(
                    c -> log.info("region {} enabled: {} ({})", region.code(), ServerRoot.printable(c.baseUrl()), properties.environment()),
                    () -> log.warn("region {} disabled: {}CLIENT_ID and {}CLIENT_SECRET are not set; its codes will "
                            + "be marked FAILED", region.code(), region.variablePrefix(), region.variablePrefix()));
        }
    }
}
