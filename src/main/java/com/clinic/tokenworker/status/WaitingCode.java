package com.clinic.tokenworker.status;

import java.time.Instant;

/** The code closest to its deadline among those still waiting (PENDING, or EXCHANGING with a call in flight). */
public record WaitingCode(long id, String status, Instant receivedAt, Instant deadline, long ageSeconds,
                          long secondsLeft) {
}
