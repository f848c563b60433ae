package com.clinic.tokenworker.schedule;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * This process as a node of the Quartz cluster that fires {@code tokenMaintenanceJob} ({@code daemon} and
 * {@code run --window}). {@link #start()} registers the shared schedule, starts taking triggers, listens for new
 * work ({@link WorkListener}: a notification fires the shared trigger at once) and recovers dead executions
 * every {@link RecoverySweep#EVERY}; {@link #stop()} is the graceful stop that SIGTERM and the end of a window both
 * use, after it stops listening and sweeping:
 * <ol>
 *   <li>standby: this node takes no new trigger, and releases one it had acquired ahead of its fire time, so
 *       another node can fire it;</li>
 *   <li>close the launch gate: a trigger that fired just before standby launches nothing;</li>
 *   <li>ask this process's running execution to stop claiming ({@link ExecutionStopper}); the
 *       in-flight calls end within TOKENWORKER_REQUEST_TIMEOUT and each outcome is recorded as usual, so nothing
 *       claimed is left unrecorded;</li>
 *   <li>wait for the launch to return (the execution ends STOPPED, or COMPLETED if it was finishing anyway), then
 *       shut the scheduler down, which leaves the job and trigger in the database for the other nodes.</li>
 * </ol>
 */
@Component
public class ScheduledWorker {

    private static final Logger log = LoggerFactory.getLogger(ScheduledWorker.class);
    /** Between two looks for an execution to stop (one may be created just after the gate closed). */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_LOG_EVERY = Duration.ofSeconds(5);

    private final Scheduler scheduler;
    private final MaintenanceSchedule schedule;
    private final LocalLaunches launches;
    private final ExecutionStopper stopper;
    private final TokenWorkerProperties properties;
    private final Clock clock;
    private final WorkListener listener;
    private final RecoverySweep recoverySweep;

    public ScheduledWorker(Scheduler scheduler, MaintenanceSchedule schedule, LocalLaunches launches,
                           ExecutionStopper stopper, TokenWorkerProperties properties, Clock clock,
                           WorkListener listener, RecoverySweep recoverySweep) {
        this.scheduler = scheduler;
        this.schedule = schedule;
        this.launches = launches;
        this.stopper = stopper;
        this.properties = properties;
        this.clock = clock;
        this.listener = listener;
        this.recoverySweep = recoverySweep;
    }

    public void start() {
        schedule.register(scheduler, properties.interval());
        try {
            scheduler.start();
            log.info("Quartz node {} started: tokenMaintenanceJob fires every {} on one node of the cluster at a "
                    + "time", scheduler.getSchedulerInstanceId(), properties.interval());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the Quartz scheduler", e);
        }
        listener.start(this::fireNow);
        recoverySweep.start();
    }

    /** What a notification does: the shared trigger fires now (after the running execution, if there is one). */
    void fireNow() {
        if (schedule.fireNow(scheduler, properties.interval())) {
            log.debug("woken by a notification: tokenMaintenanceJob fires now");
        }
    }

    /** The graceful stop; returns once this node runs nothing and its scheduler is shut down. */
    public LocalLaunches.Tally stop() throws InterruptedException {
        Instant began = clock.instant();
        listener.stop();
        recoverySweep.stop();
        try {
            scheduler.standby();
        } catch (SchedulerException e) {
            log.warn("Quartz standby failed ({}); shutting down anyway", e.getMessage());
        }
        launches.close();
        Set<Long> asked = new HashSet<>();
        Instant nextProgressLog = began.plus(PROGRESS_LOG_EVERY);
        do {
            stopper.stopLocalExecutions(asked);
            if (clock.instant().isAfter(nextProgressLog)) {
                log.info("still waiting for job execution(s) {} to record their calls in flight", asked);
                nextProgressLog = clock.instant().plus(PROGRESS_LOG_EVERY);
            }
        } while (!launches.awaitIdle(POLL));
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("Quartz shutdown failed: {}", e.getMessage());
        }
        LocalLaunches.Tally tally = launches.tally();
        log.info("stopped in {} ms; this node's runs: {}", Duration.between(began, clock.instant()).toMillis(),
                tally.summary());
        return tally;
    }

    public LocalLaunches.Tally tally() {
        return launches.tally();
    }
}
