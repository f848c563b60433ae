package com.clinic.tokenworker.history;

import com.clinic.tokenworker.status.BatchTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;

/**
 * The instant before which finished history goes: now, by the worker's clock, less TOKENWORKER_HISTORY_RETENTION.
 * The contract tables compare it as an instant; Spring Batch's columns hold the writing JVM's wall clock, so they
 * get it as that wall-clock time ({@link BatchTime}).
 */
public record RetentionCutoff(Instant instant, LocalDateTime batchTime, Duration retention) {

    public static RetentionCutoff of(Clock clock, Duration retention, BatchTime batchTime) {
        Instant cutoff = clock.instant().minus(retention);
        return new RetentionCutoff(cutoff, batchTime.toBatchTime(cutoff), retention);
    }

    /** P30D rather than Duration's PT720H: the retention reads as operators write it. */
    public String retentionText() {
        return retention.toSeconds() % Duration.ofDays(1).toSeconds() == 0 && retention.getNano() == 0
                ? "P" + retention.toDays() + "D" : retention.toString();
    }
}
