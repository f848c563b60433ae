package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.engine.Outcome;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import java.time.Instant;
import java.util.Optional;

/** What became of one claimed code. Each variant maps to exactly one status change of its row. */
public sealed interface ExchangeOutcome extends Outcome {

    /** Fullscript granted a token: store it, mark the code EXCHANGED. */
    record Exchanged(Region region, TokenGrant grant, Optional<String> requestId) implements ExchangeOutcome {
        @Override
        public boolean holdsGrant() {
            return true;
        }
    }

    /**
     * Final: Fullscript granted a token the database did not store (it refused it, or was away until the lease
     * ended). Recorded whoever holds the row by then: the reason says exactly what was lost.
     */
    record GrantLost(String reason, Optional<String> requestId) implements ExchangeOutcome {
    }

    /** Final failure: the code is unusable or the row is bad. */
    record Failed(String reason, Optional<String> requestId) implements ExchangeOutcome {
    }

    /** Final: the deadline passed (before any call, or while retrying). */
    record Expired(String reason) implements ExchangeOutcome {
    }

    /**
     * Transient failure with time left: back to PENDING until {@code at}. {@code pauseAllUntil} is set for a 429,
     * which slows every worker down, not only this code.
     */
    record RetryLater(Instant at, String reason, Optional<String> requestId, Optional<Instant> pauseAllUntil)
            implements ExchangeOutcome {
    }

    /** Not sent (lease too short, job stopping): back to PENDING at once, the attempt not counted. */
    record Released(String reason) implements ExchangeOutcome {
    }

    /** Our client credentials were refused: the code is untouched and goes back to PENDING; its region waits. */
    record CredentialsRejected(Region region, Optional<String> requestId) implements ExchangeOutcome {
        @Override
        public Optional<Region> rejectedRegion() {
            return Optional.of(region);
        }
    }
}
