package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.db.TransientRetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one outcome right after its call, on the thread that made it and in a transaction of its own, so an
 * answer is durable as soon as it arrives: a crash a moment later loses nothing Fullscript already answered.
 * A 429's pause is written in the same transaction. A granted token is tried again while the database is away,
 * for as long as the lease lasts (see {@link GrantKeeping}): each later attempt is started by the
 * {@link RetryTimer} on a call thread, so no thread waits in between. What could not be kept is logged, and
 * written on the row once the database takes writes again.
 */
final class OutcomeRecorder<T extends Claimed, O extends Outcome, E extends Enum<E>> {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    /** Where a recording ends: exactly once per row, with its tally or the failure that ended it. */
    @FunctionalInterface
    interface Done<E> {
        void recorded(E tally, Throwable failure);
    }

    private final WorkRules<T, O, E> rules;
    private final WorkResources resources;

    OutcomeRecorder(WorkRules<T, O, E> rules, WorkResources resources) {
        this.rules = rules;
        this.resources = resources;
    }

    /**
     * Records {@code outcome}; {@code done} hears of the end exactly once, on whichever thread made the last
     * attempt, whatever is thrown on the way: the step waits for every row it handed out.
     */
    void record(T row, O outcome, Done<E> done) {
        Done<E> once = once(done);
        try {
            if (!outcome.holdsGrant()) {
                once.recorded(TransientRetry.run(() -> write(row, outcome)), null);
                return;
            }
            keepTrying(row, outcome, row.leaseUntil(), GrantKeeping.FIRST, once,
                    e -> lost(row, outcome, e, once));
        } catch (Throwable e) {
            once.recorded(null, e);
        }
    }

    private static <E> Done<E> once(Done<E> done) {
        AtomicBoolean told = new AtomicBoolean();
        return (tally, failure) -> {
            if (told.compareAndSet(false, true)) {
                done.recorded(tally, failure);
            }
        };
    }

    /** The grant could not be stored within its lease: the step's rules say what to write instead, if anything. */
    private void lost(T row, O outcome, RuntimeException e, Done<E> done) {
        String lost = rules.describeGrant(row, outcome);
        Optional<O> instead = rules.whenUnstorable(row, outcome, e, lost);
        if (instead.isEmpty()) {
            done.recorded(null, e);
            return;
        }
        log.error("LOST a token Fullscript granted: {}; the database did not store it ({}: {}) before the lease "
                + "ended. The row will say so once the database takes writes again.", lost,
                e.getClass().getSimpleName(), rootCause(e).getClass().getSimpleName());
        Duration lease = resources.properties().lease();
        keepTrying(row, instead.get(), resources.clock().instant().plus(lease), GrantKeeping.FIRST, done,
                failure -> done.recorded(null, failure));
    }

    /**
     * One attempt now; after a passing failure, the next one {@code backoff} later, as long as it still starts
     * before {@code until}. Any other failure, or no time left, goes to {@code giveUp}.
     */
    private void keepTrying(T row, O outcome, Instant until, Duration backoff, Done<E> done,
                            Consumer<RuntimeException> giveUp) {
        try {
            E tally;
            try {
                tally = write(row, outcome);
            } catch (RuntimeException e) {
                if (!GrantKeeping.isPassing(e) || !GrantKeeping.fits(resources.clock().instant(), backoff, until)) {
                    giveUp.accept(e);
                    return;
                }
                log.warn("{}: the database refused the write ({}), trying again in {} (until {})", row.describe(),
                        e.getClass().getSimpleName(), backoff, until);
                Duration next = GrantKeeping.next(backoff);
                later(backoff, () -> keepTrying(row, outcome, until, next, done, giveUp), done);
                return;
            }
            done.recorded(tally, null);
        } catch (Throwable e) {
            done.recorded(null, e);
        }
    }

    /** Starts {@code attempt} on a call thread after {@code delay}; a refusal (shutting down) ends the row. */
    private void later(Duration delay, Runnable attempt, Done<E> done) {
        resources.retryTimer().after(delay, () -> {
            try {
                resources.calls().execute(attempt);
            } catch (Throwable e) {
                done.recorded(null, e);
            }
        });
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private E write(T row, O outcome) {
        Instant now = resources.clock().instant();
        return resources.ownTransaction().execute(tx -> {
            outcome.pauseAllUntil().ifPresent(until -> resources.throttle().pauseUntil(until, outcome.reason()));
            return rules.record(row, outcome, now);
        });
    }
}
