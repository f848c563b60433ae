package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.engine.BudgetShare;
import com.clinic.tokenworker.engine.ClaimRequest;
import com.clinic.tokenworker.engine.WorkStep;
import com.clinic.tokenworker.engine.WorkRules;
import com.clinic.tokenworker.fullscript.RequestIdSuffix;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.TokenClaims;
import com.clinic.tokenworker.token.TokenLeaseRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code revokeTokens} step's rules, after {@code refreshTokens}: rows the application set to
 * REVOKE_REQUESTED are revoked at Fullscript, their tokens wiped, and become REVOKED; and every grant the worker
 * obtained and no longer keeps (queued in {@code oauth_grant_revocation}: replaced by a new authorization, older
 * than the stored one, a refreshed pair that lost the version race) is revoked and leaves the queue. Both are
 * retried with the same backoff and counted in the same step. It runs whatever TOKENWORKER_REFRESH_ENABLED says:
 * an external refresh pipeline does not make the application's revocation requests go away. Revocations draw on
 * the refresh share of the budget, so code exchanges keep their reserve.
 *
 * <p>A claim takes REVOKE_REQUESTED rows first (a user is waiting for those), then fills the free slots from the
 * queue.
 *
 * <p>Counts: READ_COUNT = rows claimed, WRITE_COUNT = rows and queued grants revoked, FILTER_COUNT = the others (see
 * {@link RevocationTally}).
 */
@Component
public class RevocationRules implements WorkRules<RevocationTarget, RevocationOutcome, RevocationTally> {

    static final WorkStep<RevocationTally> STEP = new WorkStep<>(RevocationStepConfiguration.REVOKE_STEP, "revoke",
            BudgetShare.REFRESHES, RevocationTally.class,
            Set.of(RevocationTally.REVOKED, RevocationTally.REPLACED_REVOKED),
            Set.of(RevocationTally.HELD_BACK, RevocationTally.NOT_SENT));

    private static final Logger log = LoggerFactory.getLogger(RevocationRules.class);

    private final TokenClaims claims;
    private final RevocationRepository revocations;
    private final TokenLeaseRepository leases;
    private final QueuedGrantRepository queue;
    private final TokenRevoker revoker;

    public RevocationRules(TokenClaims claims, RevocationRepository revocations, TokenLeaseRepository leases,
                           QueuedGrantRepository queue, TokenRevoker revoker) {
        this.claims = claims;
        this.revocations = revocations;
        this.leases = leases;
        this.queue = queue;
        this.revoker = revoker;
    }

    @Override
    public WorkStep<RevocationTally> step() {
        return STEP;
    }

    @Override
    public List<RevocationTarget> claim(ClaimRequest request) {
        // The loop's skip set holds token ids as they are and queue ids negated (see QueuedGrant).
        Set<Long> skippedTokens = request.skippedIds().stream().filter(id -> id > 0).collect(Collectors.toSet());
        Set<Long> skippedQueued = request.skippedIds().stream().filter(id -> id < 0).map(id -> -id)
                .collect(Collectors.toSet());
        List<RevocationTarget> claimed = new ArrayList<>();
        claims.claim(TokenClaims.Due.REVOCATION, with(request, request.limit(), skippedTokens))
                .forEach(token -> claimed.add(new RequestedRevocation(token)));
        claimed.addAll(queue.claim(with(request, request.limit() - claimed.size(), skippedQueued)));
        return claimed;
    }

    private static ClaimRequest with(ClaimRequest request, int limit, Set<Long> skippedIds) {
        return new ClaimRequest(request.owner(), request.now(), request.lease(), limit, request.heldBackRegions(),
                skippedIds);
    }

    @Override
    public RevocationOutcome call(RevocationTarget target) {
        return revoker.revoke(target);
    }

    @Override
    public RevocationTally record(RevocationTarget target, RevocationOutcome outcome, Instant now) {
        if (target instanceof RequestedRevocation requested) {
            return recordRequested(requested, outcome, now);
        }
        return recordQueued((QueuedGrant) target, outcome);
    }

    private RevocationTally recordRequested(RequestedRevocation requested, RevocationOutcome outcome, Instant now) {
        LeasedToken token = requested.token();
        if (outcome instanceof RevocationOutcome.Revoked revoked) {
            if (revocations.markRevoked(token, revoked.requestId(), now)) {
                return RevocationTally.REVOKED;
            }
            log.warn("{} changed while it was being revoked (a refresh or a new authorization stored another grant):"
                    + " what it holds now is revoked by the next run, or left if the user authorized again",
                    token.describe());
            leases.release(token.lease());
            return RevocationTally.NOT_SENT;
        }
        if (outcome instanceof RevocationOutcome.RetryLater retry) {
            leases.retryLater(TokenClaims.Due.REVOCATION, token.lease(), retry.at(), retry.reason(),
                    retry.requestId(), now);
            log.info("{} not revoked yet, retry at {}: {}", token.describe(), retry.at(), retry.reason());
            return RevocationTally.RETRIED;
        }
        if (outcome instanceof RevocationOutcome.HeldBack held) {
            leases.holdBack(TokenClaims.Due.REVOCATION, token.lease(), held.recheckAt(), held.reason(),
                    held.missingKeyId(), now);
            log.warn("{} cannot be revoked by this worker, looked at again after {}: {}", token.describe(),
                    held.recheckAt(), held.reason());
            return RevocationTally.HELD_BACK;
        }
        // NotSent and CredentialsRejected: nothing was revoked, the row is free again as it was.
        leases.release(token.lease());
        return RevocationTally.NOT_SENT;
    }

    private RevocationTally recordQueued(QueuedGrant queued, RevocationOutcome outcome) {
        if (outcome instanceof RevocationOutcome.Revoked revoked) {
            queue.delete(queued);
            log.info("{} revoked at Fullscript{}", queued.describe(), RequestIdSuffix.of(revoked.requestId()));
            return RevocationTally.REPLACED_REVOKED;
        }
        if (outcome instanceof RevocationOutcome.RetryLater retry) {
            queue.retryLater(queued, retry.at(), retry.reason(), retry.requestId());
            log.info("{} not revoked yet, retry at {}: {}", queued.describe(), retry.at(), retry.reason());
            return RevocationTally.RETRIED;
        }
        if (outcome instanceof RevocationOutcome.HeldBack held) {
            queue.holdBack(queued, held.recheckAt(), held.reason(), held.missingKeyId());
            log.warn("{} cannot be revoked by this worker, looked at again after {}: {}", queued.describe(),
                    held.recheckAt(), held.reason());
            return RevocationTally.HELD_BACK;
        }
        queue.release(queued);
        return RevocationTally.NOT_SENT;
    }
}
