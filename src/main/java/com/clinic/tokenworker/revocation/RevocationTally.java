package com.clinic.tokenworker.revocation;

/** The revocation step's outcome counts (keys {@code revoke.<name>}, see {@link RevocationRules#STEP}). */
public enum RevocationTally {
    /** A REVOKE_REQUESTED row revoked at Fullscript, tokens wiped, REVOKED. */
    REVOKED,
    /** A grant the worker no longer keeps (oauth_grant_revocation) revoked at Fullscript, its queue row deleted. */
    REPLACED_REVOKED,
    /** Transient failure, backed off. */
    RETRIED,
    /** Not sent because of our configuration (missing decryption key, disabled region). */
    HELD_BACK,
    /** Claimed but not sent or not recorded: lease too short, or the row changed meanwhile. */
    NOT_SENT
}
