package com.clinic.tokenworker.simulator;

/** The OAuth 2.0 error codes the fake answers with, and the status Doorkeeper pairs with each. */
enum OAuthError {
    INVALID_REQUEST(400, "invalid_request"),
    INVALID_CLIENT(401, "invalid_client"),
    INVALID_GRANT(400, "invalid_grant"),
    UNSUPPORTED_GRANT_TYPE(400, "unsupported_grant_type");

    private final int status;
    private final String code;

    OAuthError(int status, String code) {
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
