package com.clinic.tokenworker.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 9, hole 11: a revocation backs off on its own schedule, not the refresh's (30 s up to 10 minutes). */
class RevocationRetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void nextAttemptWhenFailuresAddUpThenTenSecondsDoublingUpToFiveMinutes() {
        assertThat(delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(delayAfter(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(delayAfter(6)).isEqualTo(Duration.ofMinutes(5));
        assertThat(delayAfter(1_000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void nextAttemptWhenFullscriptAsksForADelayThenThatDelayButNeverZero() {
        assertThat(RevocationRetryPolicy.nextAttempt(NOW, 1, Optional.of(Duration.ofSeconds(90))))
                .isEqualTo(NOW.plusSeconds(90));
        assertThat(RevocationRetryPolicy.nextAttempt(NOW, 1, Optional.of(Duration.ZERO)))
                .isEqualTo(NOW.plusSeconds(1));
    }

    private static Duration delayAfter(int attempts) {
        return Duration.between(NOW, RevocationRetryPolicy.nextAttempt(NOW, attempts, Optional.empty()));
    }
}
