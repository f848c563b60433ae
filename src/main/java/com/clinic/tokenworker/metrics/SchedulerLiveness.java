package com.clinic.tokenworker.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * Liveness: is this process's Quartz node able to fire, i.e. would a restart help? It never looks at the
 * database (a database outage is not cured by restarting every replica; readiness reports that). Down when
 * <ul>
 *   <li>the scheduler was started but its scheduling thread has died, or</li>
 *   <li>a job execution on this node has run for longer than {@code wedgedAfter} (twice
 *       TOKENWORKER_MAX_RUN_DURATION): stale-execution recovery on the other nodes already treats it as dead,
 *       and this node holds the cluster-wide trigger until it ends.</li>
 * </ul>
 * Up while starting (migrations, recovery: before {@code Scheduler.start()}) and while stopping (standby after
 * SIGTERM), so the kubelet never cuts a graceful stop short.
 */
final class SchedulerLiveness {

    private final Scheduler scheduler;
    private final Duration wedgedAfter;
    private final Clock clock;

    SchedulerLiveness(Scheduler scheduler, Duration wedgedAfter, Clock clock) {
        this.scheduler = scheduler;
        this.wedgedAfter = wedgedAfter;
        this.clock = clock;
    }

    ProbeResult check() {
        try {
            if (!scheduler.isStarted()) {
                return ProbeResult.up("starting: the Quartz node has not started yet");
            }
            if (scheduler.isShutdown() || scheduler.isInStandbyMode()) {
                return ProbeResult.up("stopping: the Quartz node takes no new trigger");
            }
            String threadName = scheduler.getSchedulerName() + "_QuartzSchedulerThread";
            if (!isAlive(threadName)) {
                return ProbeResult.down("the Quartz scheduling thread " + threadName + " is gone: nothing fires");
            }
            Instant now = clock.instant();
            for (JobExecutionContext running : scheduler.getCurrentlyExecutingJobs()) {
                Duration ran = Duration.between(running.getFireTime().toInstant(), now);
                if (ran.compareTo(wedgedAfter) > 0) {
                    return ProbeResult.down("a tokenMaintenanceJob launch has run on this node for " + ran.toSeconds()
                            + " s, more than " + wedgedAfter.toSeconds() + " s (twice TOKENWORKER_MAX_RUN_DURATION)");
                }
            }
            return ProbeResult.up("Quartz node " + scheduler.getSchedulerInstanceId() + " is running");
        } catch (SchedulerException e) {
            return ProbeResult.down("Quartz does not answer: " + e.getClass().getSimpleName());
        }
    }

    private static boolean isAlive(String name) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            if (name.equals(threads[i].getName()) && threads[i].isAlive()) {
                return true;
            }
        }
        return false;
    }
}
