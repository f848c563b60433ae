package com.clinic.tokenworker.metrics;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * Readiness: this node takes part in the schedule (its Quartz node is started and not stopping) and the
 * database answers a trivial query within the probe's budget. A rollout waits for it before stopping an old
 * replica, so the schedule always keeps a live node.
 */
final class Readiness {

    private final Scheduler scheduler;
    private final CachedRead<Boolean> databasePing;

    Readiness(Scheduler scheduler, CachedRead<Boolean> databasePing) {
        this.scheduler = scheduler;
        this.databasePing = databasePing;
    }

    ProbeResult check() {
        try {
            if (!scheduler.isStarted()) {
                return ProbeResult.down("starting: the Quartz node has not started yet");
            }
            if (scheduler.isShutdown() || scheduler.isInStandbyMode()) {
                return ProbeResult.down("stopping: the Quartz node takes no new trigger");
            }
        } catch (SchedulerException e) {
            return ProbeResult.down("Quartz does not answer: " + e.getClass().getSimpleName());
        }
        CachedRead.Result<Boolean> ping = databasePing.get();
        if (ping.value().isEmpty()) {
            return ProbeResult.down("the database does not answer: " + ping.problem().orElse("unknown"));
        }
        return ProbeResult.up("Quartz node running, database answers");
    }
}
