package com.clinic.tokenworker.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * The last sign of life of a job execution in the job tables: the latest of its create, start and last-updated
 * times and those of its steps (a step's LAST_UPDATED moves at every commit, at least every 2 seconds while it runs).
 *
 * <p>Spring Batch writes these as local date-times of the JVM's default time zone, so they are read back in the
 * same zone: every worker process must run with the same default zone (UTC in the container image).
 */
final class Heartbeat {

    private Heartbeat() {
    }

    static Instant of(JobExecution execution) {
        List<LocalDateTime> signs = new ArrayList<>();
        signs.add(execution.getCreateTime());
        signs.add(execution.getStartTime());
        signs.add(execution.getLastUpdated());
        for (StepExecution step : execution.getStepExecutions()) {
            signs.add(step.getStartTime());
            signs.add(step.getLastUpdated());
        }
        return signs.stream()
                .filter(Objects::nonNull)
                .max(LocalDateTime::compareTo)
                .map(local -> local.atZone(ZoneId.systemDefault()).toInstant())
                .orElse(Instant.EPOCH);
    }
}
