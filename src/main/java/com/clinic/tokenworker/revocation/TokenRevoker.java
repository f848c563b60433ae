package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.config.RegionCredentials;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenDecryptionException;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.fullscript.TokenEndpointResult;
import com.clinic.tokenworker.refresh.RefreshRetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Revokes one claimed token (a REVOKE_REQUESTED row, or a grant the worker no longer keeps) at the server of its
 * region. The refresh token is sent (Fullscript revokes the
 * access token and its refresh token together); the access token only when no refresh token is stored. It
 * writes nothing: the {@link RevocationOutcome} is recorded by the step.
 */
@Component
public class TokenRevoker {

    private final FullscriptClient client;
    private final TokenCipher cipher;
    private final TokenWorkerProperties properties;
    private final Clock clock;

    public TokenRevoker(FullscriptClient client, TokenCipher cipher, TokenWorkerProperties properties, Clock clock) {
        this.client = client;
        this.cipher = cipher;
        this.properties = properties;
        this.clock = clock;
    }

    public RevocationOutcome revoke(RevocationTarget token) {
        Instant now = clock.instant();
        boolean refreshStored = token.refreshTokenCiphertext() != null;
        if (!refreshStored && token.accessTokenCiphertext() == null) {
            return new RevocationOutcome.Revoked(Optional.empty());
        }
        if (!properties.callFitsInLease(now, token.leaseUntil())) {
            return new RevocationOutcome.NotSent("lease too short for another call");
        }
        Optional<Region> region = Region.fromCode(token.region());
        Optional<RegionCredentials> credentials = region.flatMap(properties::credentials);
        if (credentials.isEmpty()) {
            return new RevocationOutcome.HeldBack(region.map(r -> "region " + r.code() + " is disabled: set "
                            + r.variablePrefix() + "CLIENT_ID and " + r.variablePrefix()
                            + "CLIENT_SECRET to revoke its tokens")
                    .orElse("unknown region '" + token.region() + "': expected us or ca"),
                    now.plus(RefreshRetryPolicy.HOLD_BACK));
        }
        String secret;
        try {
            secret = refreshStored
                    ? cipher.decrypt(token.refreshTokenCiphertext(), token.encryptionKeyId(),
                    token.binding(TokenField.REFRESH_TOKEN))
                    : cipher.decrypt(token.accessTokenCiphertext(), token.encryptionKeyId(),
                    token.binding(TokenField.ACCESS_TOKEN));
        } catch (TokenDecryptionException e) {
            return new RevocationOutcome.HeldBack("cannot decrypt the stored token, not revoked: " + e.getMessage()
                    + (e.getMessage().contains("TOKEN_ENCRYPTION_PREVIOUS_KEYS") ? ""
                    : " (if the key changed, add the old one to TOKEN_ENCRYPTION_PREVIOUS_KEYS)"),
                    now.plus(RefreshRetryPolicy.HOLD_BACK), e.missingKeyId());
        }
        TokenEndpointResult result = client.revoke(credentials.get(), secret);
        return interpret(token, region.get(), result);
    }

    private RevocationOutcome interpret(RevocationTarget token, Region region, TokenEndpointResult result) {
        Instant now = clock.instant();
        if (result instanceof TokenEndpointResult.Revoked revoked) {
            return new RevocationOutcome.Revoked(revoked.requestId());
        }
        if (result instanceof TokenEndpointResult.ClientRejected refused) {
            return new RevocationOutcome.CredentialsRejected(region, refused.requestId());
        }
        if (result instanceof TokenEndpointResult.RateLimited limited) {
            return retry(token, now, limited.reason(), limited.requestId(), Optional.of(limited.pause()),
                    Optional.of(now.plus(limited.pause())));
        }
        if (result instanceof TokenEndpointResult.Rejected rejected) {
            // RFC 7009 answers 200 even for a dead token, so a refusal is about the request: keep the row (and the
            // token, possibly still live) and try again slowly rather than wipe what was never revoked.
            return retry(token, now, "rejected by Fullscript: HTTP " + rejected.status() + " " + rejected.error(),
                    rejected.requestId(), Optional.empty(), Optional.empty());
        }
        if (result instanceof TokenEndpointResult.Unavailable unavailable) {
            return retry(token, now, unavailable.reason(), unavailable.requestId(), Optional.empty(),
                    Optional.empty());
        }
        throw new IllegalStateException("the revoke endpoint answered with a token grant");
    }

    private static RevocationOutcome retry(RevocationTarget token, Instant now, String reason,
                                           Optional<String> requestId, Optional<Duration> requestedDelay,
                                           Optional<Instant> pauseAll) {
        int attempts = token.attempts() + 1;
        return new RevocationOutcome.RetryLater(RevocationRetryPolicy.nextAttempt(now, attempts, requestedDelay),
                "revocation attempt " + attempts + " failed: " + reason + RequestIdSuffix.of(requestId),
                requestId, pauseAll);
    }
}
