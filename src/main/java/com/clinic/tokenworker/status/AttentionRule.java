package com.clinic.tokenworker.status;

/** Why {@code status} asks for attention (exit code 6). Each finding names its rule so an alert can route on it. */
public enum AttentionRule {
    /** A code reached its 10-minute deadline unexchanged within the last hour: a user has to authorize again. */
    CODE_EXPIRED,
    /**
     * No tokenMaintenanceJob execution COMPLETED within TOKENWORKER_STATUS_MAX_SILENCE (three intervals by
     * default), including a database where none ever did: status cannot tell "just installed" from "never started".
     */
    NO_RECENT_COMPLETED_RUN,
    /** An execution has not ended and has written nothing for longer than TOKENWORKER_MAX_RUN_DURATION. */
    STUCK_EXECUTION,
    /** Fullscript refused a region's client credentials at the latest check or call: nothing works there. */
    CREDENTIALS_REJECTED,
    /**
     * Tokens the worker must refresh or revoke, or grants waiting in oauth_grant_revocation, are sealed with a key
     * id the latest worker did not hold: they are held back until TOKEN_ENCRYPTION_KEY or
     * TOKEN_ENCRYPTION_PREVIOUS_KEYS gives that key back.
     */
    UNDECRYPTABLE_TOKENS
}
