package com.clinic.tokenworker.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void backoffDoublesFromFiveSecondsUpToAMinute() {
        assertThat(RetryPolicy.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryPolicy.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(RetryPolicy.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(RetryPolicy.backoff(5)).isEqualTo(Duration.ofSeconds(60));
        assertThat(RetryPolicy.backoff(40)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void nextAttemptWhenBackoffWouldPassTheDeadlineThenOneLastChanceJustBeforeIt() {
        Instant deadline = NOW.plusSeconds(20);

        assertThat(RetryPolicy.nextAttempt(NOW, 3, deadline, Optional.empty()))
                .contains(deadline.minus(RetryPolicy.LAST_CHANCE));
    }

    @Test
    void nextAttemptWhenTooCloseToTheDeadlineThenNone() {
        assertThat(RetryPolicy.nextAttempt(NOW, 1, NOW.plusSeconds(2), Optional.empty())).isEmpty();
    }

    @Test
    void nextAttemptWhenServerAskedForADelayThenItIsHonoured() {
        assertThat(RetryPolicy.nextAttempt(NOW, 1, NOW.plusSeconds(600), Optional.of(Duration.ofSeconds(90))))
                .contains(NOW.plusSeconds(90));
    }
}
