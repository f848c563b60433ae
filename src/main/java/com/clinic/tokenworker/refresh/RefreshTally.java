package com.clinic.tokenworker.refresh;

/** The refresh step's outcome counts (keys {@code refresh.<name>}, see {@link RefreshRules#STEP}). */
public enum RefreshTally {
    /** A new pair is stored. */
    REFRESHED,
    /** invalid_grant: the user must authorize again. */
    REAUTH_REQUIRED,
    /** Transient failure, backed off (next_refresh_at). */
    RETRIED,
    /** Not sent because of our configuration (missing decryption key, disabled region). */
    HELD_BACK,
    /**
     * Another writer changed the row during the call (a newer token, a revocation): ours was not stored, and was
     * queued for revocation unless the row still holds its refresh token.
     */
    SUPERSEDED,
    /** Claimed but not sent: lease too short, changed since the claim, or its region's credentials refused. */
    NOT_SENT
}
