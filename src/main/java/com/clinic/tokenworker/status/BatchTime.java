package com.clinic.tokenworker.status;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Spring Batch stamps its tables with {@code LocalDateTime.now()}: the writing JVM's wall clock, without a zone.
 * The worker pins its JVM to UTC (cli.Main), so production rows are UTC; reading them in this JVM's zone gives UTC
 * there too, and stays right in tests, where the writer and the reader are the same JVM whatever its zone.
 */
public final class BatchTime {

    private final ZoneId writerZone;

    BatchTime(ZoneId writerZone) {
        this.writerZone = writerZone;
    }

    public static BatchTime ofThisJvm() {
        return new BatchTime(ZoneId.systemDefault());
    }

    public Instant toInstant(LocalDateTime value) {
        return value == null ? null : value.atZone(writerZone).toInstant();
    }

    /** The value Batch would have written at {@code instant}: what to compare its columns with. */
    public LocalDateTime toBatchTime(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, writerZone);
    }
}
