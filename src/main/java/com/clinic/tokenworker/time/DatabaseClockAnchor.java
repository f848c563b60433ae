package com.clinic.tokenworker.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Anchors the worker's {@link DatabaseClock} to PostgreSQL before anything can claim a row, then again every
 * {@link #EVERY} (the host's monotonic clock, which runs between anchors, drifts slowly). Each measurement takes
 * the best of a few round trips: the database's {@code clock_timestamp()} at the midpoint of the round trip, so
 * the error is at most half the fastest round trip. Does nothing for any other clock (the tests' own).
 */
@Component
public class DatabaseClockAnchor implements SmartLifecycle {

    static final Duration EVERY = Duration.ofMinutes(1);
    /** Above this the host's clock is worth fixing, though the worker is safe either way. */
    static final Duration WORTH_SAYING = Duration.ofSeconds(2);
    private static final int SAMPLES = 3;
    private static final Logger log = LoggerFactory.getLogger(DatabaseClockAnchor.class);

    private final Clock clock;
    private final JdbcClient jdbc;
    private ScheduledExecutorService timer;

    public DatabaseClockAnchor(Clock clock, JdbcClient jdbc) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** Measures the offset now and applies it; returns it. */
    public Duration anchorNow() {
        if (!(clock instanceof DatabaseClock databaseClock)) {
            return Duration.ZERO;
        }
        Duration bestRoundTrip = null;
        Instant bestDatabaseTime = null;
        long bestNanos = 0;
        Duration best = null;
        for (int i = 0; i < SAMPLES; i++) {
            Instant sent = databaseClock.hostInstant();
            long sentNanos = System.nanoTime();
            OffsetDateTime database = jdbc.sql("SELECT clock_timestamp()").query(OffsetDateTime.class).single();
            long receivedNanos = System.nanoTime();
            Duration roundTrip = Duration.ofNanos(receivedNanos - sentNanos);
            if (bestRoundTrip == null || roundTrip.compareTo(bestRoundTrip) < 0) {
                bestRoundTrip = roundTrip;
                bestDatabaseTime = database.toInstant();
                bestNanos = sentNanos + roundTrip.toNanos() / 2;
                best = Duration.between(sent.plus(roundTrip.dividedBy(2)), bestDatabaseTime);
            }
        }
        Duration previous = databaseClock.offset();
        databaseClock.anchor(bestDatabaseTime, bestNanos, best);
        if (best.abs().compareTo(WORTH_SAYING) > 0 && previous.minus(best).abs().compareTo(WORTH_SAYING) > 0) {
            log.warn("this host's clock is {} s {} the database's; the worker reads every time (leases, deadlines) "
                    + "from the database's clock, but fix the host's time synchronisation (NTP)",
                    String.format(java.util.Locale.ROOT, "%.1f", best.abs().toMillis() / 1000.0),
                    best.isNegative() ? "ahead of" : "behind");
        }
        return best;
    }

    @Override
    public synchronized void start() {
        if (!(clock instanceof DatabaseClock) || timer != null) {
            return;
        }
        anchorNow();
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tokenworker-clock");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::anchorQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void anchorQuietly() {
        try {
            anchorNow();
        } catch (RuntimeException e) {
            // The last offset stays: a clock drifts by milliseconds a minute, far less than any lease's margin.
            log.debug("could not measure the database's clock; keeping the last offset", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    /** Before every other lifecycle bean: the scheduler and the liveness lock must not start on the host's time. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
