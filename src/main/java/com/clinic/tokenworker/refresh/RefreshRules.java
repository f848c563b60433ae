package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.engine.BudgetShare;
import com.clinic.tokenworker.engine.ClaimRequest;
import com.clinic.tokenworker.engine.WorkStep;
import com.clinic.tokenworker.engine.WorkRules;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.RevocationQueue;
import com.clinic.tokenworker.token.RevocationReason;
import com.clinic.tokenworker.token.TokenClaims;
import com.clinic.tokenworker.token.TokenLeaseRepository;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code refreshTokens} step's rules: REFRESH_DUE tokens are claimed earliest expiry first (leaving the
 * exchanges their share of the budget), refreshed, and each outcome recorded, never losing the only copy of a
 * rotated refresh token. No claim starts once a call could no longer end within TOKENWORKER_MAX_RUN_DURATION of
 * the step's start. With TOKENWORKER_REFRESH_ENABLED=false it does nothing: the tokens stay flagged for an
 * external pipeline.
 *
 * <p>Counts: READ_COUNT = tokens claimed, WRITE_COUNT = tokens refreshed, FILTER_COUNT = claimed tokens that ended
 * otherwise; the execution context and exit description break those down (see {@link RefreshTally}).
 */
@Component
public class RefreshRules implements WorkRules<LeasedToken, RefreshOutcome, RefreshTally> {

    static final WorkStep<RefreshTally> STEP = new WorkStep<>(RefreshStepsConfiguration.REFRESH_STEP, "refresh",
            BudgetShare.REFRESHES, RefreshTally.class, RefreshTally.REFRESHED,
            Set.of(RefreshTally.HELD_BACK, RefreshTally.NOT_SENT));

    private static final Logger log = LoggerFactory.getLogger(RefreshRules.class);

    private final TokenClaims claims;
    private final DueTokenRepository tokens;
    private final TokenLeaseRepository leases;
    private final TokenRefresher refresher;
    private final TokenWorkerProperties properties;
    private final RevocationQueue revocations;

    public RefreshRules(TokenClaims claims, DueTokenRepository tokens, TokenLeaseRepository leases,
                        TokenRefresher refresher, TokenWorkerProperties properties, RevocationQueue revocations) {
        this.claims = claims;
        this.tokens = tokens;
        this.leases = leases;
        this.refresher = refresher;
        this.properties = properties;
        this.revocations = revocations;
    }

    @Override
    public WorkStep<RefreshTally> step() {
        return STEP;
    }

    @Override
    public Optional<String> disabledBecause() {
        return properties.refreshEnabled() ? Optional.empty()
                : Optional.of("TOKENWORKER_REFRESH_ENABLED=false: due tokens stay REFRESH_DUE for an external pipeline");
    }

    /**
     * Tokens left now are due in the next run, while a run that overstays is taken for dead. (The loop asks only
     * after the first claim, so that no configuration can keep the step from ever refreshing anything.)
     */
    @Override
    public Optional<String> noMoreClaims(Instant now, Instant stepStartedAt) {
        Instant mustEndBy = stepStartedAt.plus(properties.maxRunDuration());
        if (!now.plus(properties.requestTimeout()).isBefore(mustEndBy)) {
            return Optional.of("TOKENWORKER_MAX_RUN_DURATION (" + properties.maxRunDuration() + ") nearly used up");
        }
        return Optional.empty();
    }

    @Override
    public List<LeasedToken> claim(ClaimRequest request) {
        return claims.claim(TokenClaims.Due.REFRESH, request);
    }

    /** One UPDATE ... RETURNING (TokenClaims). */
    @Override
    public boolean claimIsOneStatement() {
        return true;
    }

    @Override
    public RefreshOutcome call(LeasedToken token) {
        return refresher.refresh(token);
    }

    /**
     * Fullscript rotated the refresh token and the new pair exists only in memory: the old one is dead, so the
     * truth is REAUTH_REQUIRED, said now rather than discovered by a refused retry.
     */
    @Override
    public Optional<RefreshOutcome> whenUnstorable(LeasedToken token, RefreshOutcome outcome,
                                                   RuntimeException failure, String lost) {
        if (!(outcome instanceof RefreshOutcome.Refreshed refreshed)) {
            return Optional.empty();
        }
        String reason = "refreshed at Fullscript, but the new tokens could not be stored ("
                + failure.getClass().getSimpleName() + "): the user must authorize again. Lost: " + lost;
        log.error("{}: {}", token.describe(), reason);
        return Optional.of(new RefreshOutcome.GrantLost(reason, refreshed.requestId()));
    }

    @Override
    public boolean isHeldBack(RefreshOutcome outcome) {
        return outcome instanceof RefreshOutcome.HeldBack;
    }

    /** One line per step, not per token: a missing key holds back every token it encrypted. */
    @Override
    public void heldBack(int count, String firstExample) {
        log.warn("{} token(s) cannot be refreshed by this worker until its configuration changes; they are looked"
                + " at again in {}, at once by a worker holding a missing key. First: {}", count,
                RefreshRetryPolicy.HOLD_BACK, firstExample);
    }

    @Override
    public RefreshTally record(LeasedToken token, RefreshOutcome outcome, Instant now) {
        if (outcome instanceof RefreshOutcome.Refreshed refreshed) {
            if (tokens.saveRefreshed(token, refreshed.grant(), refreshed.refreshTokenToStore(),
                    refreshed.requestId(), now)) {
                return RefreshTally.REFRESHED;
            }
            if (tokens.holdsRefreshToken(token, refreshed.refreshTokenToStore())) {
                log.info("{} was refreshed and the row already holds this grant (version {} is gone): nothing to "
                        + "store", token.describe(), token.version());
                return RefreshTally.SUPERSEDED;
            }
            // The pair is live at Fullscript and nobody will hold it: revoke it rather than let it go.
            revocations.enqueue(token.region(), token.resourceOwnerType(), token.resourceOwnerId(), token.id(),
                    RevocationReason.REFRESH_SUPERSEDED, refreshed.grant().accessToken(),
                    refreshed.refreshTokenToStore(), now);
            log.warn("{} was refreshed, but a newer token had been stored meanwhile (version {} is gone): the newer "
                    + "one was kept and this pair queued for revocation", token.describe(), token.version());
            return RefreshTally.SUPERSEDED;
        }
        if (outcome instanceof RefreshOutcome.GrantLost lost) {
            return tokens.recordLostGrant(token, lost.reason(), lost.requestId(), now) ? RefreshTally.REAUTH_REQUIRED
                    : RefreshTally.SUPERSEDED;
        }
        if (outcome instanceof RefreshOutcome.ReauthRequired reauth) {
            return requireReauthorization(token, reauth, now);
        }
        if (outcome instanceof RefreshOutcome.RetryLater retry) {
            leases.retryLater(TokenClaims.Due.REFRESH, token.lease(), retry.at(), retry.reason(), retry.requestId(),
                    now);
            // Per token at DEBUG: in an outage this is every due token, and the step's summary counts them.
            log.debug("{} not refreshed, retry at {}: {}", token.describe(), retry.at(), retry.reason());
            return RefreshTally.RETRIED;
        }
        if (outcome instanceof RefreshOutcome.HeldBack held) {
            leases.holdBack(TokenClaims.Due.REFRESH, token.lease(), held.recheckAt(), held.reason(),
                    held.missingKeyId(), now);
            log.debug("{} held back until {}: {}", token.describe(), held.recheckAt(), held.reason());
            return RefreshTally.HELD_BACK;
        }
        // NotSent and CredentialsRejected: nothing reached Fullscript, the row is free again as it was.
        leases.release(token.lease());
        return RefreshTally.NOT_SENT;
    }

    private RefreshTally requireReauthorization(LeasedToken token, RefreshOutcome.ReauthRequired reauth, Instant now) {
        if (!tokens.requireReauthorization(token, reauth.reason(), reauth.requestId(), now)) {
            // Another writer stored a token or a status meanwhile; ours is stale news.
            leases.release(token.lease());
            return RefreshTally.SUPERSEDED;
        }
        if (reauth.afterLostResponse()) {
            log.warn("{} needs a new authorization: its refresh was refused after an earlier attempt whose answer was"
                    + " lost; Fullscript had probably rotated the refresh token then. Not retried. Reason: {}",
                    token.describe(), reauth.reason());
        } else {
            log.warn("{} needs a new authorization (REAUTH_REQUIRED): {}", token.describe(), reauth.reason());
        }
        return RefreshTally.REAUTH_REQUIRED;
    }
}
