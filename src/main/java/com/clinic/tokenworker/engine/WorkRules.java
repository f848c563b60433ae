package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What one step (exchange, refresh, revocation) adds to the {@link WorkLoop}: what is due, how to call, how to
 * record, how an outcome counts. The loop, its slots, the budget, the 429 pause, the stop handling and the counts
 * live in the loop, once.
 *
 * @param <T> a claimed row
 * @param <O> what became of it
 * @param <E> the step's outcome counts
 */
public interface WorkRules<T extends Claimed, O extends Outcome, E extends Enum<E>> {

    WorkStep<E> step();

    /** Why the step does nothing at all in this execution (a disabled feature), if so. */
    default Optional<String> disabledBecause() {
        return Optional.empty();
    }

    /** Work done once before the first claim, counted into {@code context} (e.g. expiring overdue codes). */
    default void beforeFirstClaim(Instant now, ExecutionContext context) {
    }

    /** Why no further claim may start now, given when the step started, if so. Not asked before the first claim. */
    default Optional<String> noMoreClaims(Instant now, Instant stepStartedAt) {
        return Optional.empty();
    }

    /** Claims due rows, earliest deadline first (the loop commits the claim at once). */
    List<T> claim(ClaimRequest request);

    /**
     * True when {@link #claim} is one statement, atomic on its own: the loop then runs it in autocommit, outside
     * the step's chunk transaction, which saves a BEGIN and a COMMIT on every claim (a drain of quick calls claims
     * every few rows). False, the default, for a claim of several statements, which must stand or fall together.
     */
    default boolean claimIsOneStatement() {
        return false;
    }

    /** Decides about one row and, when it is worth it, makes its one call. Writes nothing. */
    O call(T row);

    /** Writes {@code outcome} on the row, inside the loop's transaction; returns what it counts as. */
    E record(T row, O outcome, Instant now);

    /**
     * What to record instead when {@code outcome} could not be written at all: a granted token the database
     * would not take (it refused it, or stayed away until the lease ended) must still end the row truthfully.
     * Empty: the failure fails the step.
     *
     * @param lost what was lost, for the row and the log: row, region, resource owner, request id (never a token)
     */
    default Optional<O> whenUnstorable(T row, O outcome, RuntimeException failure, String lost) {
        return Optional.empty();
    }

    /** Names the grant an outcome carries, for a log line about losing it: resource owner, request id. */
    default String describeGrant(T row, O outcome) {
        return row.describe() + RequestIdSuffix.of(outcome.requestId());
    }

    /** The exit description of the step from its tally summary (a step may add figures of its own). */
    default String describe(String tallySummary, ExecutionContext context) {
        return tallySummary;
    }

    /** Called once at the end with the rows given back because of this worker's configuration, if any. */
    default void heldBack(int count, String firstExample) {
    }

    /** True for an outcome that was held back because of this worker's configuration (counted for one line). */
    default boolean isHeldBack(O outcome) {
        return false;
    }
}
