package com.clinic.tokenworker.status;

import java.time.Instant;

/** The pause every worker keeps after Fullscript answered 429; {@code paused} is false once it has passed. */
public record ThrottleReport(boolean paused, Instant pausedUntil, String reason) {
}
