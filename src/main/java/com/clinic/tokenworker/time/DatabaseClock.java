package com.clinic.tokenworker.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The database's time, read on this host: the host's clock plus the offset last measured against PostgreSQL's
 * {@code clock_timestamp()} ({@link DatabaseClockAnchor} measures it at start and every minute).
 *
 * <p>Why: every lease is written by one worker and judged lapsed by another. With each worker's own clock, a pod
 * whose clock is 40 s behind writes a 45 s lease that the others see lapse after 5 s, and its code can be sent
 * twice. Deadlines are the database's too: {@code received_at} defaults to the database's {@code now()}. Read
 * through one clock, all workers agree to within half a round trip to the database, whatever their hosts' skew.
 *
 * <p>The production clock of every worker command; tests hand in their own {@link Clock}, which is never anchored.
 */
public final class DatabaseClock extends Clock {

    private final Clock host;
    private final AtomicReference<Duration> offset;

    private DatabaseClock(Clock host, AtomicReference<Duration> offset) {
        this.host = host;
        this.offset = offset;
    }

    /** The host's UTC clock, to be anchored to the database once a worker command has one. */
    public static DatabaseClock ofHost() {
        return of(Clock.systemUTC());
    }

    /** Over any host clock (a test gives a skewed one). */
    public static DatabaseClock of(Clock host) {
        return new DatabaseClock(host, new AtomicReference<>(Duration.ZERO));
    }

    /** What was last measured: how far the database's clock is ahead of the host's (negative: behind). */
    public Duration offset() {
        return offset.get();
    }

    void anchor(Duration measured) {
        offset.set(measured);
    }

    /** The host's own reading, to measure the offset against. */
    Instant hostInstant() {
        return host.instant();
    }

    @Override
    public Instant instant() {
        return host.instant().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        return new DatabaseClock(host.withZone(zone), offset);
    }
}
