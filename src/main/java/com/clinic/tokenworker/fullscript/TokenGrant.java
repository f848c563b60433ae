package com.clinic.tokenworker.fullscript;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What Fullscript hands over for a code or a refresh token. The access token expires at {@code created_at +
 * expires_in} of the server, not at our receipt time. {@link #toString()} never shows a token.
 */
public record TokenGrant(
        String accessToken,
        Optional<String> refreshToken,
        String tokenType,
        String scope,
        Instant issuedAt,
        Duration expiresIn,
        String resourceOwnerId,
        String resourceOwnerType) {

    public Instant expiresAt() {
        return issuedAt.plus(expiresIn);
    }

    @Override
    public String toString() {
        return "TokenGrant[owner=" + resourceOwnerType + "/" + resourceOwnerId + ", scope=" + scope + ", issuedAt="
                + issuedAt + ", expiresIn=" + expiresIn + ", tokens=<redacted>]";
    }
}
