package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.metrics.MetricsEndpoints;
import com.clinic.tokenworker.metrics.MetricsServer;
import com.clinic.tokenworker.schedule.LocalLaunches;
import com.clinic.tokenworker.schedule.ScheduledWorker;
import com.clinic.tokenworker.schedule.StaleExecutionRecovery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code daemon} and {@code run --window}: this process joins the Quartz cluster, fires the job every
 * TOKENWORKER_INTERVAL until SIGTERM (or, with a window, until the window ends), then stops gracefully
 * ({@link ScheduledWorker#stop()}) on the command's own thread.
 */
final class ScheduledMode {

    private static final Logger log = LoggerFactory.getLogger(ScheduledMode.class);

    private ScheduledMode() {
    }

    /** @param window empty for {@code daemon}: run until terminated */
    static int run(TokenWorkerProperties properties, Clock clock, Optional<Duration> window) {
        int code = ExitCode.FAILURE.code();
        try (TerminationSignal signal = TerminationSignal.install()) {
            try {
                code = runUntilStopped(properties, clock, window, signal);
            } finally {
                // After the context is closed: a SIGTERM hook waiting for us may now end the process.
                signal.finished(code);
            }
        }
        return code;
    }

    private static int runUntilStopped(TokenWorkerProperties properties, Clock clock, Optional<Duration> window,
                                       TerminationSignal signal) {
        try (WorkerSession session = WorkerSession.open(properties, clock, Map.of());
             MetricsServer metrics = session.bean(MetricsEndpoints.class).open()) {
            session.bean(StaleExecutionRecovery.class).recoverStaleExecutions();
            if (signal.isRequested()) {
                log.info("terminated during start-up; nothing was launched");
                return ExitCode.OK.code();
            }
            ScheduledWorker worker = session.bean(ScheduledWorker.class);
            worker.start();
            try {
                if (window.isPresent()) {
                    Instant end = clock.instant().plus(window.get());
                    log.info("window of {}: firing until {}, then stopping", window.get(), end);
                    if (!signal.awaitUntil(end, clock)) {
                        log.info("window of {} ended; stopping", window.get());
                    }
                } else {
                    signal.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted; stopping");
            }
            LocalLaunches.Tally tally = stopClearingInterrupt(worker);
            if (window.isEmpty()) {
                // A daemon's executions are reported in the job tables; its own exit only says it stopped cleanly.
                return ExitCode.OK.code();
            }
            return exitCodeOf(tally).code();
        } catch (RuntimeException e) {
            ExitCode code = FailureClassifier.classify(List.of(e));
            FailureClassifier.log(log, window.isPresent() ? "run --window" : "daemon", code, e, properties);
            return code.code();
        }
    }

    /** The stop sequence must run to its end even if this thread was interrupted while waiting. */
    private static LocalLaunches.Tally stopClearingInterrupt(ScheduledWorker worker) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return worker.stop();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The worst outcome of the executions this process ran; STOPPED by our own stop sequence is a proper end. */
    static ExitCode exitCodeOf(LocalLaunches.Tally tally) {
        if (tally.allEndedProperly()) {
            return ExitCode.OK;
        }
        return FailureClassifier.classify(tally.failures());
    }
}
