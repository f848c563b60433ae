package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.engine.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a revocation that failed transiently is tried again: 10 s, doubling, capped at 5 minutes, or what Fullscript
 * asked for in Retry-After. Its own schedule and its own counter ({@code oauth_token.revoke_attempts} and
 * {@code next_revoke_at}, {@code oauth_grant_revocation.attempts} and {@code next_attempt_at}): a user who asked to
 * disconnect, or a grant still live that nobody holds, must not wait behind a refresh backoff of up to 10 minutes.
 * There is no last attempt: a grant is revoked once Fullscript answers again.
 */
public final class RevocationRetryPolicy {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Backoff BACKOFF = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);

    private RevocationRetryPolicy() {
    }

    /** @param attempts failed calls so far, including the one that just failed */
    public static Instant nextAttempt(Instant now, int attempts, Optional<Duration> serverRequestedDelay) {
        return BACKOFF.nextAttempt(now, attempts, serverRequestedDelay);
    }

    static Duration backoff(int attempts) {
        return BACKOFF.after(attempts);
    }
}
