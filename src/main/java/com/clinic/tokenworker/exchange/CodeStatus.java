package com.clinic.tokenworker.exchange;

/** Lifecycle of an {@code oauth_pending_code} row; the web tier reads these. */
public enum CodeStatus {
    /** Inserted by the web tier, waiting for (another) exchange attempt. */
    PENDING,
    /** Claimed by a worker under a lease; its call to Fullscript may be in flight. */
    EXCHANGING,
    /** Final: the token is stored in oauth_token (token_id). */
    EXCHANGED,
    /** Final: the 10-minute deadline passed before an exchange succeeded. */
    EXPIRED,
    /** Final: Fullscript rejected the code, or the row cannot be exchanged (see last_error). */
    FAILED;

    public boolean isFinal() {
        return this == EXCHANGED || this == EXPIRED || this == FAILED;
    }
}
