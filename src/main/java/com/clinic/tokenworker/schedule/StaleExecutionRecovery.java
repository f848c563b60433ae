package com.clinic.tokenworker.schedule;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Marks FAILED the executions of {@code tokenMaintenanceJob} that a killed process left running (STARTING, STARTED
 * or STOPPING). Which ones are dead:
 * <ul>
 *   <li>launched by a process that holds a {@link LivenessLock} (its id carries the mark): dead as soon as that
 *       lock is free, since PostgreSQL frees it only when the process's session ends; alive while it is held,
 *       however slow the execution;</li>
 *   <li>launched by a process without one (a version before the lock): dead when its last heartbeat is older than
 *       TOKENWORKER_MAX_RUN_DURATION. The heartbeat is the latest LAST_UPDATED of the execution and its steps: a
 *       running step commits at least every 2 seconds, and only a call (never longer than a lease, which
 *       TOKENWORKER_MAX_RUN_DURATION must exceed) can hold it up.</li>
 * </ul>
 *
 * <p>Recovery only tidies the job tables (the execution no longer looks stuck to {@code status} or an operator);
 * nothing waits for it. The dead process's claimed codes come back on their own when their lease lapses.
 */
@Component
public class StaleExecutionRecovery {

    private static final Logger log = LoggerFactory.getLogger(StaleExecutionRecovery.class);

    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final JdbcClient jdbc;
    private final TokenWorkerProperties properties;
    private final Clock clock;

    public StaleExecutionRecovery(JobRepository jobRepository, JobOperator jobOperator, JdbcClient jdbc,
                                  TokenWorkerProperties properties, Clock clock) {
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /** @return the ids of the executions this call marked FAILED */
    public List<Long> recoverStaleExecutions() {
        Instant now = clock.instant();
        Duration limit = properties.maxRunDuration();
        List<Long> recovered = new ArrayList<>();
        for (JobExecution found : jobRepository.findRunningJobExecutions(TokenMaintenanceJobConfiguration.JOB_NAME)) {
            // Loaded again by id so that its step executions (the heartbeats) come with it.
            JobExecution execution = jobRepository.getJobExecution(found.getId());
            if (execution == null || !execution.isRunning()) {
                continue;
            }
            Optional<String> death = causeOfDeath(execution, now, limit);
            if (death.isPresent() && recover(execution, death.get())) {
                recovered.add(execution.getId());
            }
        }
        return recovered;
    }

    private Optional<String> causeOfDeath(JobExecution execution, Instant now, Duration limit) {
        String launchedBy = execution.getJobParameters().getString(TokenMaintenanceLauncher.LAUNCHED_BY);
        OptionalLong lock = WorkerIdentity.livenessLockKeyOf(launchedBy);
        if (lock.isPresent()) {
            return isFree(lock.getAsLong())
                    ? Optional.of("recovered as dead: " + execution.getStatus() + " but its process is gone (the "
                            + "session holding its liveness lock has ended)")
                    : Optional.empty();
        }
        Instant heartbeat = Heartbeat.of(execution);
        if (!heartbeat.plus(limit).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of("recovered as dead: " + execution.getStatus() + " with no heartbeat since " + heartbeat
                + ", longer than TOKENWORKER_MAX_RUN_DURATION (" + limit + ")");
    }

    /**
     * A transaction-level try: it conflicts with the owner's session-level lock, and whatever it took is released
     * when this statement's transaction ends, so a live owner retaking its lock at that moment waits a millisecond.
     */
    private boolean isFree(long key) {
        return Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_xact_lock(:key)").param("key", key)
                .query(Boolean.class).single());
    }

    private boolean recover(JobExecution execution, String rule) {
        log.warn("job execution {} of {} (launched by {}) {}; marking it FAILED", execution.getId(),
                execution.getJobInstance().getJobName(),
                execution.getJobParameters().getString(TokenMaintenanceLauncher.LAUNCHED_BY), rule);
        // JobOperator.recover sets the statuses and end times but keeps the exit codes (EXECUTING): give the job
        // tables the reason instead.
        ExitStatus failed = new ExitStatus(ExitStatus.FAILED.getExitCode(), rule);
        execution.setExitStatus(failed);
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus().isRunning()) {
                step.setExitStatus(failed);
            }
        }
        try {
            jobOperator.recover(execution);
            return true;
        } catch (OptimisticLockingFailureException e) {
            // Another node started at the same moment and recovered it first, or the execution was not dead.
            log.info("job execution {} changed while being recovered; left as the other writer set it",
                    execution.getId());
            return false;
        }
    }
}
