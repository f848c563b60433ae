package com.clinic.tokenworker.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
    private final AtomicReference<Anchor> anchor;

    private DatabaseClock(Clock host, AtomicReference<Anchor> anchor) {
        this.host = host;
        this.anchor = anchor;
    }

    /** The host's UTC clock, to be anchored to the database once a worker command has one. */
    public static DatabaseClock ofHost() {
        return of(Clock.systemUTC());
    }

    /** Over any host clock (a test gives a skewed one). */
    public static DatabaseClock of(Clock host) {
        return new DatabaseClock(host, new AtomicReference<>());
    }

    /** What the last anchor measured: how far the database's clock is ahead of the host's (negative: behind). */
    public Duration offset() {
        Anchor last = anchor.get();
        return last == null ? Duration.ZERO : last.offset();
    }

    /**
     * Between two anchors the time runs on {@link System#nanoTime}, not on the host's wall clock: a wall clock that
     * NTP steps, or a VM paused and resumed, must not move the worker's time until the next anchor.
     */
    void anchor(Instant databaseTime, long atNanos, Duration offset) {
        anchor.set(new Anchor(databaseTime, atNanos, offset));
    }

    /** The host's own reading, to measure the offset against. */
    Instant hostInstant() {
        return host.instant();
    }

    @Override
    public Instant instant() {
        Anchor last = anchor.get();
        return last == null ? host.instant() : last.databaseTime().plusNanos(System.nanoTime() - last.atNanos());
    }

    @Override
    public ZoneId getZone() {
        return host.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(host.getZone()) ? this : new DatabaseClock(host.withZone(zone), anchor);
    }

    /** The database's time at a moment of {@link System#nanoTime}, and the host's offset then (for the log). */
    private record Anchor(Instant databaseTime, long atNanos, Duration offset) {
    }
}
