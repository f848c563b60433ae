package com.clinic.tokenworker.credentials;

/** What one check of a region's client credentials found; stored in {@code oauth_credential_check.outcome}. */
public enum CredentialCheckOutcome {
    /** Fullscript got past client authentication (it refused only the dummy code, with invalid_grant). */
    ACCEPTED,
    /** 401 or invalid_client: nothing will work in this region until the configuration is fixed. */
    REJECTED,
    /** No usable answer: timeout, connection failure, 5xx, 404 (a wrong root), 429. Tried again next interval. */
    UNREACHABLE,
    /** An answer that says neither (another OAuth error, or a token for a code that cannot exist). */
    UNEXPECTED
}
