package com.clinic.tokenworker.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Exponential backoff after a transient failure: {@code first}, doubling, capped at {@code max}, or what Fullscript
 * asked for in Retry-After, never less than {@link #MIN_DELAY}. The refresh and revocation steps each have their
 * own (they must not wait behind each other); the exchange has its deadline-aware {@code RetryPolicy}.
 */
public record Backoff(Duration first, Duration max) {

    /** A Retry-After of 0 must not make the same run pick the row up again at once. */
    static final Duration MIN_DELAY = Duration.ofSeconds(1);

    /** @param attempts failed calls so far, including the one that just failed */
    public Instant nextAttempt(Instant now, int attempts, Optional<Duration> serverRequestedDelay) {
        Duration delay = serverRequestedDelay.orElseGet(() -> after(attempts));
        return now.plus(delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay);
    }

    /** The delay after {@code attempts} failed calls when Fullscript asked for none. */
    public Duration after(int attempts) {
        int exponent = Math.max(0, Math.min(attempts - 1, 10));
        Duration backoff = first.multipliedBy(1L << exponent);
        return backoff.compareTo(max) > 0 ? max : backoff;
    }
}
