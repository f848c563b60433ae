package com.clinic.tokenworker.status;

import java.time.Instant;
import java.util.List;

/**
 * tokenMaintenanceJob's history from the Spring Batch tables.
 *
 * @param executionsEver    how many executions the database holds
 * @param lastCompletedAt   end of the latest COMPLETED execution, or null if none ever completed
 * @param maxSilenceSeconds the threshold NO_RECENT_COMPLETED_RUN applied
 * @param recent            the latest executions, newest first (as many as {@code --executions})
 * @param unfinished        every execution that has not ended, of any age
 */
public record RunsReport(long executionsEver, Instant lastCompletedAt, long maxSilenceSeconds,
                         List<ExecutionReport> recent, List<UnfinishedExecution> unfinished) {
}
