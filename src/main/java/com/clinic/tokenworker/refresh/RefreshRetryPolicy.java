package com.clinic.tokenworker.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a token whose refresh failed transiently is tried again: exponential backoff from 30 s, capped at 10
 * minutes, or what Fullscript asked for in Retry-After. With the default 20-minute margin that is six attempts
 * before the access token expires. There is no last attempt: the refresh token does not expire, so a token
 * whose access token ran out while Fullscript was down is still refreshed once it answers again.
 */
public final class RefreshRetryPolicy {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    /** A Retry-After of 0 must not make the same run pick the row up again at once. */
    static final Duration MIN_DELAY = Duration.ofSeconds(1);
    /** A row the worker cannot serve until its configuration changes is looked at again after this long. */
    public static final Duration HOLD_BACK = Duration.ofMinutes(10);

    private RefreshRetryPolicy() {
    }

    /** @param attempts failed calls so far, including the one that just failed */
    public static Instant nextAttempt(Instant now, int attempts, Optional<Duration> serverRequestedDelay) {
        Duration delay = serverRequestedDelay.orElseGet(() -> backoff(attempts));
        return now.plus(delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay);
    }

    static Duration backoff(int attempts) {
        int exponent = Math.max(0, Math.min(attempts - 1, 10));
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << exponent);
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }
}
