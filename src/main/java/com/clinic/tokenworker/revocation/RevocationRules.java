package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.engine.BudgetShare;
import com.clinic.tokenworker.engine.ClaimRequest;
import com.clinic.tokenworker.engine.WorkStep;
import com.clinic.tokenworker.engine.WorkRules;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.TokenClaims;
import com.clinic.tokenworker.token.TokenLeaseRepository;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code revokeTokens} step's rules, after {@code refreshTokens}: rows the application set to
 * REVOKE_REQUESTED are revoked at Fullscript, their tokens wiped, and become REVOKED. It runs whatever
 * TOKENWORKER_REFRESH_ENABLED says: an external refresh pipeline does not make the application's revocation
 * requests go away. Revocations draw on the refresh share of the budget, so code exchanges keep their reserve.
 *
 * <p>Counts: READ_COUNT = rows claimed, WRITE_COUNT = rows revoked, FILTER_COUNT = the others (see
 * {@link RevocationTally}).
 */
@Component
public class RevocationRules implements WorkRules<LeasedToken, RevocationOutcome, RevocationTally> {

    static final WorkStep<RevocationTally> STEP = new WorkStep<>(RevocationStepConfiguration.REVOKE_STEP, "revoke",
            BudgetShare.REFRESHES, RevocationTally.class, RevocationTally.REVOKED,
            Set.of(RevocationTally.HELD_BACK, RevocationTally.NOT_SENT));

    private static final Logger log = LoggerFactory.getLogger(RevocationRules.class);

    private final TokenClaims claims;
    private final RevocationRepository revocations;
    private final TokenLeaseRepository leases;
    private final TokenRevoker revoker;

    public RevocationRules(TokenClaims claims, RevocationRepository revocations, TokenLeaseRepository leases,
                           TokenRevoker revoker) {
        this.claims = claims;
        this.revocations = revocations;
        this.leases = leases;
        this.revoker = revoker;
    }

    @Override
    public WorkStep<RevocationTally> step() {
        return STEP;
    }

    @Override
    public List<LeasedToken> claim(ClaimRequest request) {
        return claims.claim(TokenClaims.Due.REVOCATION, request);
    }

    @Override
    public RevocationOutcome call(LeasedToken token) {
        return revoker.revoke(token);
    }

    @Override
    public RevocationTally record(LeasedToken token, RevocationOutcome outcome, Instant now) {
        if (outcome instanceof RevocationOutcome.Revoked revoked) {
            if (revocations.markRevoked(token, revoked.requestId(), now)) {
                return RevocationTally.REVOKED;
            }
            log.warn("{} changed while it was being revoked (a refresh stored a new pair): it stays "
                    + "REVOKE_REQUESTED and the new pair is revoked by the next run", token.describe());
            leases.release(token.lease());
            return RevocationTally.NOT_SENT;
        }
        if (outcome instanceof RevocationOutcome.RetryLater retry) {
            leases.retryLater(token.lease(), retry.at(), retry.reason(), retry.requestId(), now);
            log.info("{} not revoked yet, retry at {}: {}", token.describe(), retry.at(), retry.reason());
            return RevocationTally.RETRIED;
        }
        if (outcome instanceof RevocationOutcome.HeldBack held) {
            leases.holdBack(token.lease(), held.recheckAt(), held.reason(), now);
            log.warn("{} cannot be revoked by this worker, looked at again after {}: {}", token.describe(),
                    held.recheckAt(), held.reason());
            return RevocationTally.HELD_BACK;
        }
        // NotSent and CredentialsRejected: nothing was revoked, the row is free again as it was.
        leases.release(token.lease());
        return RevocationTally.NOT_SENT;
    }
}
