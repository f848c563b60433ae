package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import java.util.Locale;

/**
 * The {@code outcome} label of the call counters: one value per variant of {@link TokenEndpointResult}, so a
 * dashboard sees what Fullscript answered, not what the worker then decided for the row.
 */
public enum CallOutcome {
    /** 2xx with a usable token body. */
    GRANTED,
    /** 2xx from the revoke endpoint. */
    REVOKED,
    /** A 4xx OAuth error about the grant (invalid_grant, invalid_request...). */
    REJECTED,
    /** Our client credentials were refused (401 or invalid_client): a configuration problem. */
    CLIENT_REJECTED,
    /** 429: every worker pauses. */
    RATE_LIMITED,
    /** 5xx, timeout, connection failure, malformed body. */
    UNAVAILABLE;

    public static CallOutcome of(TokenEndpointResult result) {
        if (result instanceof TokenEndpointResult.Granted) {
            return GRANTED;
        }
        if (result instanceof TokenEndpointResult.Revoked) {
            return REVOKED;
        }
        if (result instanceof TokenEndpointResult.Rejected) {
            return REJECTED;
        }
        if (result instanceof TokenEndpointResult.ClientRejected) {
            return CLIENT_REJECTED;
        }
        if (result instanceof TokenEndpointResult.RateLimited) {
            return RATE_LIMITED;
        }
        return UNAVAILABLE;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
