package com.clinic.tokenworker.token;

/** Lifecycle of an {@code oauth_token} row; the web tier reads these. */
public enum TokenStatus {
    /** Usable; the access token is not yet near expiry. */
    ACTIVE,
    /** Expires within the refresh margin: the refresh pipeline (built-in or external) should refresh it. */
    REFRESH_DUE,
    /** Fullscript refused the refresh token (revoked by the user, or rotated by a refresh whose answer was lost). */
    REAUTH_REQUIRED,
    /** The application asked for revocation; the worker revokes at Fullscript and wipes the tokens. */
    REVOKE_REQUESTED,
    /** Revoked at Fullscript; no token is stored any more. */
    REVOKED
}
