package com.clinic.tokenworker.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * Tokens handed out by one successful exchange or refresh.
 *
 * @param refreshToken null when the refresh kept the old refresh token (option omitRefreshTokenOnRefresh)
 * @param expiresIn    the access token's lifetime, sent as {@code expires_in}
 */
record IssuedTokens(String accessToken, String refreshToken, Instant createdAt, Duration expiresIn,
                    ResourceOwner owner) {
}
