package com.clinic.tokenworker.exchange;

/** The exchange step's outcome counts (keys {@code exchange.<name>}, see {@link ExchangeRules#STEP}). */
public enum ExchangeTally {
    EXCHANGED,
    FAILED,
    EXPIRED,
    RETRIED,
    /** Claimed but not sent (lease too short, credentials refused): back to PENDING, the attempt uncounted. */
    RELEASED;

    public static ExchangeTally of(ExchangeOutcome outcome) {
        if (outcome instanceof ExchangeOutcome.Exchanged) {
            return EXCHANGED;
        }
        if (outcome instanceof ExchangeOutcome.Failed || outcome instanceof ExchangeOutcome.GrantLost) {
            return FAILED;
        }
        if (outcome instanceof ExchangeOutcome.Expired) {
            return EXPIRED;
        }
        if (outcome instanceof ExchangeOutcome.RetryLater) {
            return RETRIED;
        }
        return RELEASED;
    }
}
