package com.clinic.tokenworker.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * In {@code daemon} and {@code run --window}: {@link StaleExecutionRecovery} every {@link #EVERY}, besides at start
 * and before every launch, so a killed pod's execution is marked FAILED within about a minute even while the
 * trigger is blocked or nothing launches (a long run on another node, a quiet night between intervals).
 */
@Component
public class RecoverySweep implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RecoverySweep.class);

    static final Duration EVERY = Duration.ofSeconds(30);

    private final StaleExecutionRecovery recovery;
    private ScheduledExecutorService timer;

    public RecoverySweep(StaleExecutionRecovery recovery) {
        this.recovery = recovery;
    }

    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tokenworker-recovery-sweep");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweep, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    private void sweep() {
        try {
            recovery.recoverStaleExecutions();
        } catch (RuntimeException e) {
            // A database blip: the next sweep, launch or start tries again.
            log.warn("could not look for dead executions: {}", e.getMessage());
        }
    }

    /** A context closed without the graceful stop (a failed start, a test) leaves no thread or session behind. */
    @Override
    public void destroy() {
        stop();
    }
}
