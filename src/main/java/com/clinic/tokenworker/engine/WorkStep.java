package com.clinic.tokenworker.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the loop needs to know of a step beyond its rules: its name, the prefix of its execution-context keys, the
 * budget share it draws on, and its outcome counts.
 *
 * @param tallies  the step's counts, in the order its exit description lists them
 * @param written  the counts that are the step's purpose achieved (WRITE_COUNT); every other one is FILTER_COUNT
 * @param notSent  the counts of rows no request went out for: their budget permit is given back, and the same
 *                 step run does not claim them again, so a row that cannot be sent never spins
 */
public record WorkStep<E extends Enum<E>>(String stepName, String contextPrefix, BudgetShare budgetShare,
                                          Class<E> tallies, Set<E> written, Set<E> notSent) {

    public WorkStep {
        written = written.isEmpty() ? EnumSet.noneOf(tallies) : EnumSet.copyOf(written);
        notSent = notSent.isEmpty() ? EnumSet.noneOf(tallies) : EnumSet.copyOf(notSent);
    }

    /** A step with one count for its purpose achieved. */
    public WorkStep(String stepName, String contextPrefix, BudgetShare budgetShare, Class<E> tallies, E written,
                    Set<E> notSent) {
        this(stepName, contextPrefix, budgetShare, tallies, Set.of(written), notSent);
    }

    /** The execution-context key of {@code tally}: {@code exchange} and EXCHANGED give {@code exchange.exchanged}. */
    public String key(E tally) {
        return TallyCounts.key(contextPrefix, tally);
    }
}
