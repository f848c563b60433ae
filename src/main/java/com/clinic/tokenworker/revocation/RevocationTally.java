package com.clinic.tokenworker.revocation;

/** The revocation step's outcome counts (keys {@code revoke.<name>}, see {@link RevocationRules#STEP}). */
public enum RevocationTally {
    /** Revoked at Fullscript, tokens wiped, REVOKED. */
    REVOKED,
    /** Transient failure, backed off (next_refresh_at). */
    RETRIED,
    /** Not sent because of our configuration (missing decryption key, disabled region). */
    HELD_BACK,
    /** Claimed but not sent or not recorded: lease too short, or the row changed meanwhile. */
    NOT_SENT
}
