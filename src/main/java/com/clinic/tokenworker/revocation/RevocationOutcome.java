package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.engine.Outcome;
import com.clinic.tokenworker.fullscript.Region;
import java.time.Instant;
import java.util.Optional;

/** What became of one REVOKE_REQUESTED row. Each variant maps to exactly one write of the row. */
public sealed interface RevocationOutcome extends Outcome {

    /** Fullscript revoked the grant (or the row held no token to revoke): wipe the tokens, REVOKED. */
    record Revoked(Optional<String> requestId) implements RevocationOutcome {
    }

    /** Transient failure: stay REVOKE_REQUESTED, try again at {@code at}; a 429 pauses every worker. */
    record RetryLater(Instant at, String reason, Optional<String> requestId, Optional<Instant> pauseAllUntil)
            implements RevocationOutcome {
    }

    /**
     * Not sent because of this worker's configuration (a missing key, a disabled region): look again at
     * {@code recheckAt}, or at once on a worker that holds {@code missingKeyId}.
     */
    record HeldBack(String reason, Instant recheckAt, Optional<String> missingKeyId) implements RevocationOutcome {

        public HeldBack(String reason, Instant recheckAt) {
            this(reason, recheckAt, Optional.empty());
        }
    }

    /** Not sent, nothing to record: the lease is too short for a call. */
    record NotSent(String reason) implements RevocationOutcome {
    }

    /** Our client credentials were refused: the row is released untouched and its region waits. */
    record CredentialsRejected(Region region, Optional<String> requestId) implements RevocationOutcome {
        @Override
        public Optional<Region> rejectedRegion() {
            return Optional.of(region);
        }
    }
}
