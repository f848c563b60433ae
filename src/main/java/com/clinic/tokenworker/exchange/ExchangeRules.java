package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.engine.BudgetShare;
import com.clinic.tokenworker.engine.ClaimRequest;
import com.clinic.tokenworker.engine.WorkStep;
import com.clinic.tokenworker.engine.TallyCounts;
import com.clinic.tokenworker.engine.WorkRules;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.token.TokenStore;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.stereotype.Component;

/**
 * The {@code exchangeCodes} step's rules: codes past their deadline are EXPIRED without a call first; then due
 * codes are claimed earliest deadline first, exchanged, and each outcome recorded (the token and the EXCHANGED
 * status together or not at all).
 *
 * <p>Counts: READ_COUNT = codes claimed, WRITE_COUNT = codes exchanged, FILTER_COUNT = claimed codes that ended
 * otherwise; the execution context and exit description break those down (see {@link ExchangeTally}).
 */
@Component
public class ExchangeRules implements WorkRules<ClaimedCode, ExchangeOutcome, ExchangeTally> {

    static final WorkStep<ExchangeTally> STEP = new WorkStep<>("exchangeCodes", "exchange", BudgetShare.EXCHANGES,
            ExchangeTally.class, ExchangeTally.EXCHANGED, Set.of(ExchangeTally.RELEASED));

    static final String EXPIRED_WITHOUT_CALL = "exchange.expired_without_call";
    private static final Logger log = LoggerFactory.getLogger(ExchangeRules.class);

    private final PendingCodeRepository codes;
    private final CodeExchanger exchanger;
    private final TokenStore tokens;

    public ExchangeRules(PendingCodeRepository codes, CodeExchanger exchanger, TokenStore tokens) {
        this.codes = codes;
        this.exchanger = exchanger;
        this.tokens = tokens;
    }

    @Override
    public WorkStep<ExchangeTally> step() {
        return STEP;
    }

    @Override
    public void beforeFirstClaim(Instant now, ExecutionContext context) {
        int overdue = codes.expireOverdue(now);
        TallyCounts.add(context, STEP.key(ExchangeTally.EXPIRED), overdue);
        context.putLong(EXPIRED_WITHOUT_CALL, context.getLong(EXPIRED_WITHOUT_CALL, 0L) + overdue);
    }

    @Override
    public List<ClaimedCode> claim(ClaimRequest request) {
        return codes.claim(request);
    }

    /** One UPDATE ... RETURNING (PendingCodeRepository.claim). */
    @Override
    public boolean claimIsOneStatement() {
        return true;
    }

    @Override
    public ExchangeOutcome call(ClaimedCode code) {
        return exchanger.exchange(code);
    }

    @Override
    public ExchangeTally record(ClaimedCode claimed, ExchangeOutcome outcome, Instant now) {
        if (!apply(claimed, outcome, now)) {
            log.warn("code row {} was claimed again by another worker before this one recorded its outcome ({});"
                    + " the row was left as the other worker set it", claimed.id(), outcome.getClass().getSimpleName());
        }
        return ExchangeTally.of(outcome);
    }

    /**
     * The code is used at Fullscript and the token exists only in memory: say so on the row, final, rather than
     * let a retry after the lease be refused and blamed on a lost response.
     */
    @Override
    public Optional<ExchangeOutcome> whenUnstorable(ClaimedCode claimed, ExchangeOutcome outcome,
                                                    RuntimeException failure, String lost) {
        if (!(outcome instanceof ExchangeOutcome.Exchanged exchanged)) {
            return Optional.empty();
        }
        String reason = "Fullscript granted a token, but it could not be stored (" + failure.getClass().getSimpleName()
                + "): the user must authorize again. Lost: " + lost;
        log.error("code row {}: {}", claimed.id(), reason);
        return Optional.of(new ExchangeOutcome.GrantLost(reason, exchanged.requestId()));
    }

    @Override
    public String describeGrant(ClaimedCode claimed, ExchangeOutcome outcome) {
        String owner = outcome instanceof ExchangeOutcome.Exchanged exchanged
                ? ", resource owner " + exchanged.grant().resourceOwnerType() + "/" + exchanged.grant().resourceOwnerId()
                : "";
        return claimed.describe() + owner + RequestIdSuffix.of(outcome.requestId());
    }

    @Override
    public String describe(String tallySummary, ExecutionContext context) {
        return tallySummary + " (expired without a call: " + context.getLong(EXPIRED_WITHOUT_CALL, 0L) + ")";
    }

    private boolean apply(ClaimedCode claimed, ExchangeOutcome outcome, Instant now) {
        if (outcome instanceof ExchangeOutcome.Exchanged exchanged) {
            long tokenId = tokens.saveExchangedGrant(exchanged.region(), exchanged.grant(), claimed.appUserRef(),
                    claimed.redirectUri(), now);
            return codes.markExchanged(claimed, tokenId, exchanged.requestId(), now);
        }
        if (outcome instanceof ExchangeOutcome.GrantLost lost) {
            return codes.failLostGrant(claimed, lost.reason(), lost.requestId(), now);
        }
        if (outcome instanceof ExchangeOutcome.Failed failed) {
            return codes.finish(claimed, CodeStatus.FAILED, failed.reason(), failed.requestId(), now);
        }
        if (outcome instanceof ExchangeOutcome.Expired expired) {
            return codes.finish(claimed, CodeStatus.EXPIRED, expired.reason(), Optional.empty(), now);
        }
        if (outcome instanceof ExchangeOutcome.RetryLater retry) {
            return codes.retryLater(claimed, retry.at(), retry.reason(), retry.requestId());
        }
        // Released and CredentialsRejected: the code was not used, it goes back untouched.
        return codes.release(claimed, now);
    }
}
