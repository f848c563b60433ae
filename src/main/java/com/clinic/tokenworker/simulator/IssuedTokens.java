package com.clinic.tokenworker.simulator;

import java.time.Instant;

/**
 * Tokens handed out by one successful exchange or refresh.
 *
 * @param refreshToken null when the refresh kept the old refresh token (option omitRefreshTokenOnRefresh)
 */
record IssuedTokens(String accessToken, String refreshToken, Instant createdAt, ResourceOwner owner) {
}
