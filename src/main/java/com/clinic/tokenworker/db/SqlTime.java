package com.clinic.tokenworker.db;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants cross JDBC as UTC {@link OffsetDateTime}s: pgjdbc maps those to timestamptz exactly, whatever the JVM's
 * or the session's time zone (a {@link Timestamp} would be interpreted in the JVM's zone).
 */
public final class SqlTime {

    private SqlTime() {
    }

    public static OffsetDateTime of(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant toInstant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
