package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.engine.Backoff;
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
    private static final Backoff BACKOFF = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
    /** A row the worker cannot serve until its configuration changes is looked at again after this long. */
    public static final Duration HOLD_BACK = Duration.ofMinutes(10);

    private RefreshRetryPolicy() {
    }

    /** @param attempts failed calls so far, including the one that just failed */
    public static Instant nextAttempt(Instant now, int attempts, Optional<Duration> serverRequestedDelay) {
        return BACKOFF.nextAttempt(now, attempts, serverRequestedDelay);
    }

    static Duration backoff(int attempts) {
        return BACKOFF.after(attempts);
    }
}
