package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import java.util.Optional;

/** One check's outcome with a sentence for {@code status} (no secret: status codes and OAuth error codes only). */
public record CredentialCheckResult(CredentialCheckOutcome outcome, String detail, Optional<String> requestId) {

    /**
     * An exchange of a code that cannot exist: Fullscript (Doorkeeper) authenticates the client before it looks the
     * code up, so invalid_grant proves the credentials and invalid_client refutes them.
     */
    static CredentialCheckResult of(TokenEndpointResult answer) {
        if (answer instanceof TokenEndpointResult.ClientRejected refused) {
            return new CredentialCheckResult(CredentialCheckOutcome.REJECTED, "Fullscript refused the client "
                    + "credentials (HTTP " + refused.status() + " invalid_client)", refused.requestId());
        }
        if (answer instanceof TokenEndpointResult.Rejected rejected && rejected.isInvalidGrant()) {
            return new CredentialCheckResult(CredentialCheckOutcome.ACCEPTED, "client authenticated (the dummy code "
                    + "was refused with invalid_grant, as expected)", rejected.requestId());
        }
        if (answer instanceof TokenEndpointResult.Rejected rejected) {
            return new CredentialCheckResult(CredentialCheckOutcome.UNEXPECTED, "HTTP " + rejected.status() + " "
                    + rejected.error() + " for the dummy code", rejected.requestId());
        }
        if (answer instanceof TokenEndpointResult.RateLimited limited) {
            return new CredentialCheckResult(CredentialCheckOutcome.UNREACHABLE, "rate limited by Fullscript (429)",
                    limited.requestId());
        }
        if (answer instanceof TokenEndpointResult.Unavailable unavailable) {
            return new CredentialCheckResult(CredentialCheckOutcome.UNREACHABLE, unavailable.reason(),
                    unavailable.requestId());
        }
        return new CredentialCheckResult(CredentialCheckOutcome.UNEXPECTED, "Fullscript granted a token for a code "
                + "that cannot exist", answer.requestId());
    }
}
