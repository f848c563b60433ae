package com.clinic.tokenworker.status;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.time.Duration;

/**
 * The limits the attention rules apply.
 *
 * @param maxSilence     longest time without a COMPLETED run (TOKENWORKER_STATUS_MAX_SILENCE)
 * @param maxRunDuration longest silence of an unfinished execution before it counts as stuck
 */
public record StatusThresholds(Duration maxSilence, Duration maxRunDuration) {

    /** Codes that expired or failed this recently are counted and listed; an expired one asks for attention. */
    public static final Duration RECENT = Duration.ofHours(1);

    /** How many of the recent failed or expired codes are listed with their last_error. */
    public static final int LATEST_PROBLEMS = 5;

    public static StatusThresholds from(TokenWorkerProperties properties) {
        return new StatusThresholds(properties.statusMaxSilence(), properties.maxRunDuration());
    }
}
