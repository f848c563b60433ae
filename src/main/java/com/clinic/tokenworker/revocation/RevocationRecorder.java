package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.TokenLeaseRepository;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Records one revocation outcome right after its call, in its own transaction. */
@Component
public class RevocationRecorder {

    private static final Logger log = LoggerFactory.getLogger(RevocationRecorder.class);

    private final RevocationRepository revocations;
    private final TokenLeaseRepository leases;
    private final ThrottleGate throttle;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public RevocationRecorder(RevocationRepository revocations, TokenLeaseRepository leases, ThrottleGate throttle,
                              TransactionTemplate transaction, Clock clock) {
        this.revocations = revocations;
        this.leases = leases;
        this.throttle = throttle;
        this.transaction = transaction;
        this.clock = clock;
    }

    public RevocationTally record(LeasedToken token, RevocationOutcome outcome) {
        Instant now = clock.instant();
        return transaction.execute(tx -> apply(token, outcome, now));
    }

    private RevocationTally apply(LeasedToken token, RevocationOutcome outcome, Instant now) {
        if (outcome instanceof RevocationOutcome.Revoked revoked) {
            if (revocations.markRevoked(token, revoked.requestId(), now)) {
                return RevocationTally.REVOKED;
            }
            log.warn("{} changed while it was being revoked (a refresh stored a new pair): it stays "
                    + "REVOKE_REQUESTED and the new pair is revoked next", token.describe());
            leases.release(token.lease());
            return RevocationTally.NOT_SENT;
        }
        if (outcome instanceof RevocationOutcome.RetryLater retry) {
            retry.pauseAllUntil().ifPresent(until -> throttle.pauseUntil(until, retry.reason()));
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
        leases.release(token.lease());
        return RevocationTally.NOT_SENT;
    }
}
