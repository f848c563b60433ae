package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.TokenLeaseRepository;
import com.clinic.tokenworker.db.TransientRetry;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records one outcome right after its call, in its own transaction: a crash a moment later loses nothing that
 * Fullscript already answered, and in particular never the only copy of a rotated refresh token.
 */
@Component
public class RefreshOutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(RefreshOutcomeRecorder.class);

    private final DueTokenRepository tokens;
    private final TokenLeaseRepository leases;
    private final ThrottleGate throttle;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public RefreshOutcomeRecorder(DueTokenRepository tokens, TokenLeaseRepository leases, ThrottleGate throttle,
                                  TransactionTemplate transaction, Clock clock) {
        this.tokens = tokens;
        this.leases = leases;
        this.throttle = throttle;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** @return what the row actually became, which is what the step counts */
    public RefreshTally record(LeasedToken token, RefreshOutcome outcome) {
        Instant now = clock.instant();
        try {
            return TransientRetry.run(() -> transaction.execute(tx -> apply(token, outcome, now)));
        } catch (RuntimeException e) {
            if (!(outcome instanceof RefreshOutcome.Refreshed refreshed)) {
                throw e;
            }
            // Fullscript rotated the refresh token and the new pair exists only in memory: the old one is dead, so
            // the truth is REAUTH_REQUIRED, said now rather than discovered by a refused retry.
            String reason = "refreshed at Fullscript, but the new tokens could not be stored ("
                    + e.getClass().getSimpleName() + "): the user must authorize again"
                    + RequestIdSuffix.of(refreshed.requestId());
            log.error("{}: {}", token.describe(), reason);
            return transaction.execute(tx -> apply(token,
                    new RefreshOutcome.ReauthRequired(reason, false, refreshed.requestId()), now));
        }
    }

    private RefreshTally apply(LeasedToken token, RefreshOutcome outcome, Instant now) {
        if (outcome instanceof RefreshOutcome.Refreshed refreshed) {
            if (tokens.saveRefreshed(token, refreshed.grant(), refreshed.refreshTokenToStore(),
                    refreshed.requestId(), now)) {
                return RefreshTally.REFRESHED;
            }
            log.warn("{} was refreshed, but a newer token had been stored meanwhile (version {} is gone): the newer "
                    + "one was kept and this pair discarded", token.describe(), token.version());
            return RefreshTally.SUPERSEDED;
        }
        if (outcome instanceof RefreshOutcome.ReauthRequired reauth) {
            if (tokens.requireReauthorization(token, reauth.reason(), reauth.requestId(), now)) {
                if (reauth.afterLostResponse()) {
                    log.warn("{} needs a new authorization: its refresh was refused after an earlier attempt whose"
                            + " answer was lost; Fullscript had probably rotated the refresh token then. Not retried."
                            + " Reason: {}", token.describe(), reauth.reason());
                } else {
                    log.warn("{} needs a new authorization (REAUTH_REQUIRED): {}", token.describe(),
                            reauth.reason());
                }
                return RefreshTally.REAUTH_REQUIRED;
            }
            // Another writer stored a token or a status meanwhile; ours is stale news.
            leases.release(token.lease());
            return RefreshTally.SUPERSEDED;
        }
        if (outcome instanceof RefreshOutcome.RetryLater retry) {
            retry.pauseAllUntil().ifPresent(until -> throttle.pauseUntil(until, retry.reason()));
            leases.retryLater(token.lease(), retry.at(), retry.reason(), retry.requestId(), now);
            // Per token at DEBUG: in an outage this is every due token, and the step's summary counts them.
            log.debug("{} not refreshed, retry at {}: {}", token.describe(), retry.at(), retry.reason());
            return RefreshTally.RETRIED;
        }
        if (outcome instanceof RefreshOutcome.HeldBack held) {
            leases.holdBack(token.lease(), held.recheckAt(), held.reason(), now);
            log.debug("{} held back until {}: {}", token.describe(), held.recheckAt(), held.reason());
            return RefreshTally.HELD_BACK;
        }
        // NotSent and CredentialsRejected: nothing reached Fullscript, the row is free again as it was.
        leases.release(token.lease());
        return RefreshTally.NOT_SENT;
    }
}
