package com.clinic.tokenworker.token;

/**
 * Why a grant the worker obtained is no longer kept and waits in {@code oauth_grant_revocation} to be revoked at
 * Fullscript (the names of the table's {@code oauth_grant_revocation_reason_ck}).
 */
public enum RevocationReason {
    /** The user authorized again: the previous grant of the row was replaced in place. */
    REAUTHORIZED,
    /**
     * As {@link #REAUTHORIZED}, but the application had asked to revoke the previous grant. The new authorization
     * is the user's latest word and becomes ACTIVE; the revocation asked for is carried out here, never dropped.
     */
    REVOKE_REQUESTED,
    /** An exchange whose grant was older than the stored one (a late writer): it was never stored. */
    OLDER_AUTHORIZATION,
    /** A refreshed pair that lost the version race to another writer: it was never stored. */
    REFRESH_SUPERSEDED
}
