package com.clinic.tokenworker.exchange;

/**
 * The exchange step's outcome counts (keys {@code exchange.<name>}, see {@link ExchangeRules#STEP}); each
 * {@link ExchangeOutcome} names its own.
 */
public enum ExchangeTally {
    EXCHANGED,
    FAILED,
    EXPIRED,
    RETRIED,
    /** Claimed but not sent (lease too short, credentials refused): back to PENDING, the attempt uncounted. */
    RELEASED
}
