package com.clinic.tokenworker.status;

import java.time.Instant;
import java.util.List;

/**
 * One tokenMaintenanceJob execution from the Batch tables.
 *
 * @param exitMessage    first line only: on failure Batch stores a stack trace there
 * @param durationMillis null while it runs
 * @param lastHeartbeat  the latest write to the execution or one of its steps (a running step commits at least every 2 s)
 * @param launchedBy     the worker identity (pod/pid/suffix) that launched it
 */
public record ExecutionReport(long id, String status, String exitCode, String exitMessage, Instant startedAt,
                              Instant endedAt, Long durationMillis, Instant lastHeartbeat, String launchedBy,
                              List<StepReport> steps) {
}
