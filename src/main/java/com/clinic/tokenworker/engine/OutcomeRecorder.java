package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.db.TransientRetry;
import java.time.Instant;
import java.util.Optional;

/**
 * Records one outcome right after its call, on the thread that made it and in a transaction of its own, so an
 * answer is durable as soon as it arrives: a crash a moment later loses nothing Fullscript already answered.
 * A 429's pause is written in the same transaction.
 */
final class OutcomeRecorder<T extends Claimed, O extends Outcome, E extends Enum<E>> {

    private final WorkRules<T, O, E> rules;
    private final WorkResources resources;

    OutcomeRecorder(WorkRules<T, O, E> rules, WorkResources resources) {
        this.rules = rules;
        this.resources = resources;
    }

    E record(T row, O outcome) {
        Instant now = resources.clock().instant();
        try {
            return TransientRetry.run(() -> write(row, outcome, now));
        } catch (RuntimeException e) {
            Optional<O> instead = rules.whenUnstorable(row, outcome, e);
            if (instead.isEmpty()) {
                throw e;
            }
            return write(row, instead.get(), now);
        }
    }

    private E write(T row, O outcome, Instant now) {
        return resources.ownTransaction().execute(tx -> {
            outcome.pauseAllUntil().ifPresent(until -> resources.throttle().pauseUntil(until, outcome.reason()));
            return rules.record(row, outcome, now);
        });
    }
}
