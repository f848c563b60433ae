package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.db.TransientRetry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one outcome right after its call, on the thread that made it and in a transaction of its own, so an
 * answer is durable as soon as it arrives: a crash a moment later loses nothing Fullscript already answered.
 * A 429's pause is written in the same transaction. A granted token is tried again while the database is away,
 * for as long as the lease lasts (see {@link GrantKeeping}); what could not be kept is logged, and written on the
 * row once the database takes writes again.
 */
final class OutcomeRecorder<T extends Claimed, O extends Outcome, E extends Enum<E>> {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final WorkRules<T, O, E> rules;
    private final WorkResources resources;

    OutcomeRecorder(WorkRules<T, O, E> rules, WorkResources resources) {
        this.rules = rules;
        this.resources = resources;
    }

    E record(T row, O outcome) throws InterruptedException {
        if (!outcome.holdsGrant()) {
            return TransientRetry.run(() -> write(row, outcome));
        }
        try {
            return keepTrying(row, outcome, row.leaseUntil());
        } catch (RuntimeException e) {
            String lost = rules.describeGrant(row, outcome);
            Optional<O> instead = rules.whenUnstorable(row, outcome, e, lost);
            if (instead.isEmpty()) {
                throw e;
            }
            log.error("LOST a token Fullscript granted: {}; the database did not store it ({}: {}) before the lease "
                    + "ended. The row will say so once the database takes writes again.", lost,
                    e.getClass().getSimpleName(), rootCause(e).getClass().getSimpleName());
            Duration lease = resources.properties().lease();
            return keepTrying(row, instead.get(), resources.clock().instant().plus(lease));
        }
    }

    /** Writes until it works, a failure that is not passing, or no further attempt would start before {@code until}. */
    private E keepTrying(T row, O outcome, Instant until) throws InterruptedException {
        Duration backoff = GrantKeeping.FIRST;
        while (true) {
            try {
                return write(row, outcome);
            } catch (RuntimeException e) {
                if (!GrantKeeping.isPassing(e) || !GrantKeeping.fits(resources.clock().instant(), backoff, until)) {
                    throw e;
                }
                log.warn("{}: the database refused the write ({}), trying again in {} (until {})", row.describe(),
                        e.getClass().getSimpleName(), backoff, until);
                resources.sleeper().sleep(backoff);
                backoff = GrantKeeping.next(backoff);
            }
        }
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
