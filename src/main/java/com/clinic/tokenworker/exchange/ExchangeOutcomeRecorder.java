package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.token.TokenStore;
import com.clinic.tokenworker.db.TransientRetry;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records one outcome right after its call, in its own transaction: a crash a moment later loses nothing that
 * Fullscript already answered. The token and the EXCHANGED status are written together or not at all.
 */
@Component
public class ExchangeOutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(ExchangeOutcomeRecorder.class);

    private final PendingCodeRepository codes;
    private final TokenStore tokens;
    private final ThrottleGate throttle;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public ExchangeOutcomeRecorder(PendingCodeRepository codes, TokenStore tokens, ThrottleGate throttle,
                                   TransactionTemplate transaction, Clock clock) {
        this.codes = codes;
        this.tokens = tokens;
        this.throttle = throttle;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * @return the outcome the row was given: {@code outcome}, or the FAILED that replaced a token which could not be
     *         stored (what the step counts). When the row had moved on under another claim, nothing was changed.
     */
    public ExchangeOutcome record(ClaimedCode claimed, ExchangeOutcome outcome) {
        Instant now = clock.instant();
        Boolean applied;
        try {
            applied = TransientRetry.run(() -> transaction.execute(tx -> apply(claimed, outcome, now)));
        } catch (RuntimeException e) {
            if (!(outcome instanceof ExchangeOutcome.Exchanged exchanged)) {
                throw e;
            }
            // The code is used at Fullscript and the token exists only in memory: say so on the row, final, rather
            // than let a retry after the lease be refused and blamed on a lost response.
            String reason = "Fullscript granted a token, but it could not be stored (" + e.getClass().getSimpleName()
                    + "): the user must authorize again" + RequestIdSuffix.of(exchanged.requestId());
            log.error("code row {}: {}", claimed.id(), reason);
            transaction.execute(tx -> codes.finish(claimed, CodeStatus.FAILED, reason, exchanged.requestId(), now));
            return new ExchangeOutcome.Failed(reason, exchanged.requestId());
        }
        if (!Boolean.TRUE.equals(applied)) {
            log.warn("code row {} was claimed again by another worker before this one recorded its outcome ({});"
                    + " the row was left as the other worker set it", claimed.id(), outcome.getClass().getSimpleName());
        }
        return outcome;
    }

    private boolean apply(ClaimedCode claimed, ExchangeOutcome outcome, Instant now) {
        if (outcome instanceof ExchangeOutcome.Exchanged exchanged) {
            long tokenId = tokens.saveExchangedGrant(exchanged.region(), exchanged.grant(), claimed.appUserRef(),
                    claimed.redirectUri(), now);
            return codes.markExchanged(claimed, tokenId, exchanged.requestId(), now);
        }
        if (outcome instanceof ExchangeOutcome.Failed failed) {
            return codes.finish(claimed, CodeStatus.FAILED, failed.reason(), failed.requestId(), now);
        }
        if (outcome instanceof ExchangeOutcome.Expired expired) {
            return codes.finish(claimed, CodeStatus.EXPIRED, expired.reason(), Optional.empty(), now);
        }
        if (outcome instanceof ExchangeOutcome.RetryLater retry) {
            retry.pauseAllUntil().ifPresent(until -> throttle.pauseUntil(until, retry.reason()));
            return codes.retryLater(claimed, retry.at(), retry.reason(), retry.requestId());
        }
        // Released and CredentialsRejected: the code was not used, it goes back untouched.
        return codes.release(claimed, now);
    }
}
