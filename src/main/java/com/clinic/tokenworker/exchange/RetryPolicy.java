package com.clinic.tokenworker.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a transiently failed code is tried again: exponential backoff from 5 s, capped at 60 s, and never at or
 * past the code's deadline. When the deadline leaves no room for another attempt, there is none.
 */
public final class RetryPolicy {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** A last attempt is still worth making this close to the deadline; closer, the code is as good as dead. */
    static final Duration LAST_CHANCE = Duration.ofSeconds(2);

    private RetryPolicy() {
    }

    /** @param attempts how many calls were made so far, including the one that just failed */
    public static Optional<Instant> nextAttempt(Instant now, int attempts, Instant deadline,
                                                Optional<Duration> serverRequestedDelay) {
        Duration backoff = serverRequestedDelay.orElseGet(() -> backoff(attempts));
        Instant candidate = now.plus(backoff);
        Instant latest = deadline.minus(LAST_CHANCE);
        if (candidate.isBefore(latest)) {
            return Optional.of(candidate);
        }
        return latest.isAfter(now) ? Optional.of(latest) : Optional.empty();
    }

    static Duration backoff(int attempts) {
        int exponent = Math.max(0, Math.min(attempts - 1, 10));
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << exponent);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }
}
