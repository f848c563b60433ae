package com.clinic.tokenworker.exchange;

import java.util.Arrays;
import java.util.List;

/** The exchange step's outcome counts (keys {@code exchange.<name>}, see {@link ExchangeRules#STEP}). */
public enum ExchangeTally {
    EXCHANGED(ExchangeOutcome.Exchanged.class),
    FAILED(ExchangeOutcome.Failed.class, ExchangeOutcome.GrantLost.class),
    EXPIRED(ExchangeOutcome.Expired.class),
    RETRIED(ExchangeOutcome.RetryLater.class),
    /** Claimed but not sent (lease too short, credentials refused): back to PENDING, the attempt uncounted. */
    RELEASED(ExchangeOutcome.Released.class, ExchangeOutcome.CredentialsRejected.class);

    private final List<Class<? extends ExchangeOutcome>> outcomes;

    @SafeVarargs
    ExchangeTally(Class<? extends ExchangeOutcome>... outcomes) {
        this.outcomes = List.of(outcomes);
    }

    boolean counts(Class<?> outcome) {
        return outcomes.contains(outcome);
    }

    public static ExchangeTally of(ExchangeOutcome outcome) {
        return Arrays.stream(values())
                .filter(tally -> tally.counts(outcome.getClass()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no tally for " + outcome.getClass().getSimpleName()));
    }
}
