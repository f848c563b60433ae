package com.clinic.tokenworker.schedule;

import java.time.Duration;
import java.util.Date;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one cluster-wide schedule of {@code tokenMaintenanceJob}: a durable Quartz job and a single trigger repeating
 * every TOKENWORKER_INTERVAL, stored in the Quartz tables that every node (daemon replicas and {@code run --window}
 * pods alike) shares. Registering it is idempotent, so every node registers it at start and none duplicates it.
 */
@Component
public class MaintenanceSchedule {

    private static final Logger log = LoggerFactory.getLogger(MaintenanceSchedule.class);

    public static final JobKey JOB_KEY = JobKey.jobKey("tokenMaintenance", "tokenworker");
    public static final TriggerKey TRIGGER_KEY = TriggerKey.triggerKey("tokenMaintenanceEveryInterval", "tokenworker");

    /**
     * After all nodes were down (the minute between two CronJob windows, a rollout) or after a run that lasted
     * longer than the interval, the trigger has missed its slots. Fire once, now, and continue every interval from
     * there: the codes that waited through the gap are the ones closest to their 10-minute deadline, so waiting for
     * the next slot on the old grid would only add latency. Never a burst of catch-up runs: one run drains
     * everything due, so the missed runs would find nothing to do.
     */
    static final int MISFIRE_INSTRUCTION = SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NOW_WITH_EXISTING_REPEAT_COUNT;

    private final TransactionTemplate transaction;

    public MaintenanceSchedule(TransactionTemplate ownTransaction) {
        this.transaction = ownTransaction;
    }

    /**
     * Stores the job and its trigger unless an identical one is there. A trigger with another interval is
     * replaced (the last node to start wins; all nodes should share one TOKENWORKER_INTERVAL).
     *
     * <p>One database transaction: the first call takes Quartz's TRIGGER_ACCESS row lock and Spring's job store
     * keeps it until the commit, so nodes starting at the same moment register one after the other and the second
     * finds the first one's trigger.
     */
    public void register(Scheduler scheduler, Duration interval) {
        transaction.executeWithoutResult(tx -> {
            try {
                registerInTransaction(scheduler, interval);
            } catch (SchedulerException e) {
                throw new IllegalStateException("cannot register the Quartz schedule of tokenMaintenanceJob", e);
            }
        });
    }

    /**
     * Moves the shared trigger to now (then every interval from there), so the job fires at once on whichever
     * node acquires it; while an execution runs anywhere in the cluster the trigger stays blocked and fires right
     * after it ({@link TokenMaintenanceQuartzJob} is {@code @DisallowConcurrentExecution}). A trigger already due
     * is left alone: it fires as soon as it can, and that run sees everything committed before it claims, so many
     * wake-ups during one run make one more run, not one each.
     *
     * @return false when the trigger was due already (or is missing: {@link #register} puts it back at start)
     */
    public boolean fireNow(Scheduler scheduler, Duration interval) {
        boolean moved = Boolean.TRUE.equals(transaction.execute(tx -> {
            try {
                Trigger existing = scheduler.getTrigger(TRIGGER_KEY);
                if (existing == null || isDue(existing)) {
                    return false;
                }
                scheduler.rescheduleJob(TRIGGER_KEY, trigger(interval));
                return true;
            } catch (SchedulerException e) {
                throw new IllegalStateException("cannot move the Quartz trigger of tokenMaintenanceJob to now", e);
            }
        }));
        wakeSchedulerThread(scheduler);
        return moved;
    }

    /**
     * Quartz wakes this node's scheduler thread inside {@code rescheduleJob}, before the transaction above commits:
     * the thread looks, still finds the old trigger, and sleeps for its idle wait (up to 5 s, measured). Resuming a
     * trigger that is not paused changes nothing but wakes the thread again, now that the move is visible.
     */
    private void wakeSchedulerThread(Scheduler scheduler) {
        transaction.executeWithoutResult(tx -> {
            try {
                scheduler.resumeTrigger(TRIGGER_KEY);
            } catch (SchedulerException e) {
                throw new IllegalStateException("cannot wake the Quartz scheduler thread", e);
            }
        });
    }

    private static boolean isDue(Trigger trigger) {
        Date next = trigger.getNextFireTime();
        return next != null && !next.after(new Date());
    }

    private void registerInTransaction(Scheduler scheduler, Duration interval) throws SchedulerException {
        // replace=true: a node of a newer version may bring a changed job definition; never a second job.
        scheduler.addJob(jobDetail(), true);
        Trigger existing = scheduler.getTrigger(TRIGGER_KEY);
        if (existing == null) {
            scheduler.scheduleJob(trigger(interval));
            log.info("registered the Quartz trigger of tokenMaintenanceJob: every {}", interval);
        } else if (!isSameSchedule(existing, interval)) {
            scheduler.rescheduleJob(TRIGGER_KEY, trigger(interval));
            log.info("replaced the Quartz trigger of tokenMaintenanceJob: was {}, now every {}", describe(existing),
                    interval);
        } else {
            log.info("the Quartz trigger of tokenMaintenanceJob is registered (every {}); next fire at {}", interval,
                    existing.getNextFireTime() == null ? "-" : existing.getNextFireTime().toInstant());
        }
    }

    static JobDetail jobDetail() {
        return JobBuilder.newJob(TokenMaintenanceQuartzJob.class)
                .withIdentity(JOB_KEY)
                .withDescription("launches tokenMaintenanceJob (Spring Batch)")
                // Kept without a trigger too, so a trigger can always be (re)attached to it.
                .storeDurably()
                // No re-fire of a killed node's run: the next regular fire does the same work, and the killed run's
                // claimed codes come back when their lease lapses.
                .requestRecovery(false)
                .build();
    }

    static Trigger trigger(Duration interval) {
        return TriggerBuilder.newTrigger()
                .withIdentity(TRIGGER_KEY)
                .forJob(JOB_KEY)
                .withDescription("tokenMaintenanceJob every TOKENWORKER_INTERVAL")
                .startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever()
                        .withMisfireHandlingInstructionNowWithExistingCount())
                .build();
    }

    static boolean isSameSchedule(Trigger existing, Duration interval) {
        return existing instanceof SimpleTrigger simple
                && simple.getRepeatInterval() == interval.toMillis()
                && simple.getRepeatCount() == SimpleTrigger.REPEAT_INDEFINITELY
                && simple.getMisfireInstruction() == MISFIRE_INSTRUCTION
                && JOB_KEY.equals(simple.getJobKey());
    }

    private static String describe(Trigger trigger) {
        if (trigger instanceof SimpleTrigger simple) {
            return "every " + Duration.ofMillis(simple.getRepeatInterval()) + " (misfire instruction "
                    + simple.getMisfireInstruction() + ")";
        }
        return trigger.getClass().getSimpleName();
    }
}
