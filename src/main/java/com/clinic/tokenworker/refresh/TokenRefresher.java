package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.config.RegionCredentials;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenDecryptionException;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.ResourceOwnerRef;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import com.clinic.tokenworker.token.LeasedToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides what to do with one claimed token and, when it is worth it, makes the one refresh call, on the server
 * of the region that issued the token. It writes nothing: the {@link RefreshOutcome} is recorded by
 * {@link RefreshOutcomeRecorder}.
 */
@Component
public class TokenRefresher {


    private final FullscriptClient client;
    private final TokenCipher cipher;
    private final DueTokenRepository tokens;
    private final TokenWorkerProperties properties;
    private final Clock clock;

    public TokenRefresher(FullscriptClient client, TokenCipher cipher, DueTokenRepository tokens,
                          TokenWorkerProperties properties, Clock clock) {
        this.client = client;
        this.cipher = cipher;
        this.tokens = tokens;
        this.properties = properties;
        this.clock = clock;
    }

    public RefreshOutcome refresh(LeasedToken token) {
        Instant now = clock.instant();
        if (!tokens.isStillDue(token)) {
            return new RefreshOutcome.NotSent("changed since the claim (re-authorized, revoked or refreshed)");
        }
        Optional<Region> region = Region.fromCode(token.region());
        if (region.isEmpty()) {
            return new RefreshOutcome.HeldBack("unknown region '" + token.region() + "': expected us or ca",
                    now.plus(RefreshRetryPolicy.HOLD_BACK));
        }
        Optional<RegionCredentials> credentials = properties.credentials(region.get());
        if (credentials.isEmpty()) {
            String prefix = region.get().variablePrefix();
            return new RefreshOutcome.HeldBack("region " + region.get().code() + " is disabled: set " + prefix
                    + "CLIENT_ID and " + prefix + "CLIENT_SECRET to refresh its tokens",
                    now.plus(RefreshRetryPolicy.HOLD_BACK));
        }
        String refreshToken;
        try {
            refreshToken = cipher.decrypt(token.refreshTokenCiphertext(), token.encryptionKeyId(),
                    token.binding(TokenField.REFRESH_TOKEN));
        } catch (TokenDecryptionException e) {
            return new RefreshOutcome.HeldBack("cannot decrypt the stored refresh token, not sent: " + e.getMessage()
                    + (e.getMessage().contains("TOKEN_ENCRYPTION_PREVIOUS_KEYS") ? ""
                    : " (if the key changed, add the old one to TOKEN_ENCRYPTION_PREVIOUS_KEYS)"),
                    now.plus(RefreshRetryPolicy.HOLD_BACK), e.missingKeyId());
        }
        // Checked last, just before the send (the re-check above waits for the database): the call must end before
        // the lease can pass to another worker, or the same refresh token could be sent twice, and the second use
        // of a rotated token costs the user a new authorization.
        if (!properties.callFitsInLease(clock.instant(), token.lease().until())) {
            return new RefreshOutcome.NotSent("lease too short for another call");
        }
        TokenEndpointResult result = client.refresh(credentials.get(), refreshToken, token.redirectUri(),
                new ResourceOwnerRef(token.resourceOwnerType(), token.resourceOwnerId()));
        return interpret(token, region.get(), refreshToken, result);
    }

    private RefreshOutcome interpret(LeasedToken token, Region region, String sentRefreshToken,
                                     TokenEndpointResult result) {
        Instant now = clock.instant();
        if (result instanceof TokenEndpointResult.Granted granted) {
            // An answer without refresh_token means the one we sent stays valid (RFC 6749 section 6).
            return new RefreshOutcome.Refreshed(granted.grant(),
                    granted.grant().refreshToken().orElse(sentRefreshToken), granted.requestId());
        }
        if (result instanceof TokenEndpointResult.Rejected rejected) {
            if (rejected.isInvalidGrant()) {
                boolean afterLostResponse = token.refreshAttempts() > 0;
                return new RefreshOutcome.ReauthRequired(reauthReason(token, rejected, afterLostResponse),
                        afterLostResponse, rejected.requestId());
            }
            // Not about the refresh token itself (invalid_request, invalid_scope...): a new authorization would not
            // help either, so keep the row due and try again slowly.
            return retry(token, now, "rejected by Fullscript: " + describe(rejected), rejected.requestId(),
                    Optional.empty(), Optional.empty());
        }
        if (result instanceof TokenEndpointResult.ClientRejected refused) {
            return new RefreshOutcome.CredentialsRejected(region, refused.requestId());
        }
        if (result instanceof TokenEndpointResult.RateLimited limited) {
            return retry(token, now, limited.reason(), limited.requestId(), Optional.of(limited.pause()),
                    Optional.of(now.plus(limited.pause())));
        }
        if (result instanceof TokenEndpointResult.Unavailable unavailable) {
            return retry(token, now, unavailable.reason(), unavailable.requestId(), Optional.empty(),
                    Optional.empty());
        }
        throw new IllegalStateException("the token endpoint answered like the revoke endpoint");
    }

    private static RefreshOutcome retry(LeasedToken token, Instant now, String reason, Optional<String> requestId,
                                        Optional<Duration> requestedDelay, Optional<Instant> pauseAll) {
        int attempts = token.refreshAttempts() + 1;
        return new RefreshOutcome.RetryLater(RefreshRetryPolicy.nextAttempt(now, attempts, requestedDelay),
                "refresh attempt " + attempts + " failed: " + reason + RequestIdSuffix.of(requestId),
                requestId, pauseAll);
    }

    /**
     * invalid_grant after a failed attempt usually means that attempt did reach Fullscript, which rotated the
     * refresh token, and its answer (the only copy of the new one) was lost: the reason says so, for the operator
     * and for whoever reads the row.
     */
    private static String reauthReason(LeasedToken token, TokenEndpointResult.Rejected rejected,
                                       boolean afterLostResponse) {
        String reason = "Fullscript refused the refresh token: " + describe(rejected);
        if (afterLostResponse) {
            reason += "; the previous attempt got no usable answer ("
                    + Objects.toString(token.lastError(), "no error recorded") + "), so Fullscript"
                    + " probably rotated the refresh token then and the new one never arrived";
        } else {
            reason += "; the user revoked access, or the token was rotated elsewhere";
        }
        return reason + ": the user must authorize again" + RequestIdSuffix.of(rejected.requestId());
    }

    private static String describe(TokenEndpointResult.Rejected rejected) {
        return "HTTP " + rejected.status() + " " + rejected.error()
                + (rejected.description().isEmpty() ? "" : " (" + rejected.description() + ")");
    }
}
