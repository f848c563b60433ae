package com.clinic.tokenworker.fullscript;

import java.time.Duration;
import java.util.Optional;

/**
 * How a call to Fullscript's OAuth endpoints ended, classified once here so that the exchange, refresh and
 * revocation rules only decide what each outcome means for their rows. No variant carries a secret: reasons are
 * built from status codes, OAuth error codes and exception types, never from request or response bodies.
 */
public sealed interface TokenEndpointResult {

    /** Fullscript's {@code X-Request-Id}, kept with failures because Fullscript support asks for it. */
    Optional<String> requestId();

    /** 2xx with a complete token body. */
    record Granted(TokenGrant grant, Optional<String> requestId) implements TokenEndpointResult {
    }

    /** 2xx from the revoke endpoint. */
    record Revoked(Optional<String> requestId) implements TokenEndpointResult {
    }

    /** A 4xx OAuth error about the grant itself (invalid_grant, invalid_request...): retrying cannot help. */
    record Rejected(int status, String error, String description, Optional<String> requestId)
            implements TokenEndpointResult {

        public boolean isInvalidGrant() {
            return "invalid_grant".equals(error);
        }
    }

    /** Our client credentials were refused: nothing will work until the configuration is fixed. */
    record ClientRejected(int status, Optional<String> requestId) implements TokenEndpointResult {
    }

    /** 429. {@code retryAfter} is empty when Fullscript sent no usable Retry-After header. */
    record RateLimited(Optional<Duration> retryAfter, Optional<String> requestId) implements TokenEndpointResult {

        /** Without a usable Retry-After header, a 429 pauses every worker this long. */
        public static final Duration DEFAULT_PAUSE = Duration.ofSeconds(30);

        /** How long every worker pauses its calls. */
        public Duration pause() {
            return retryAfter.orElse(DEFAULT_PAUSE);
        }

        public String reason() {
            return "rate limited by Fullscript (429), retry after " + pause();
        }
    }

    /**
     * 5xx, timeout, connection failure, malformed or oversized body, any status Fullscript does not document.
     * The request may or may not have reached the server.
     */
    record Unavailable(String reason, Optional<String> requestId) implements TokenEndpointResult {
    }
}
