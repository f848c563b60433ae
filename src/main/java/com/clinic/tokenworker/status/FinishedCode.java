package com.clinic.tokenworker.status;

import java.time.Instant;

/** A code that ended EXPIRED or FAILED. Never carries the code itself; last_error is written free of secrets. */
public record FinishedCode(long id, String status, String region, Instant receivedAt, Instant finishedAt,
                           int attempts, String lastError, String lastRequestId) {
}
