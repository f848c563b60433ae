package com.clinic.tokenworker.status;

import java.time.Instant;

/** An execution that has not ended; {@code stuck} once it has been silent longer than TOKENWORKER_MAX_RUN_DURATION. */
public record UnfinishedExecution(long id, String status, Instant startedAt, Instant lastHeartbeat,
                                  long silentSeconds, boolean stuck, String launchedBy) {
}
