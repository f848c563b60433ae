package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.engine.Outcome;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import java.time.Instant;
import java.util.Optional;

/** What became of one claimed token. Each variant maps to exactly one write of its row. */
public sealed interface RefreshOutcome extends Outcome {

    /**
     * Fullscript issued a new pair: store it over the version we claimed. {@code refreshTokenToStore} is the
     * rotated refresh token, or the one we sent when the answer carried none (it stays valid then).
     */
    record Refreshed(TokenGrant grant, String refreshTokenToStore, Optional<String> requestId)
            implements RefreshOutcome {

        @Override
        public boolean holdsGrant() {
            return true;
        }

        public boolean rotated() {
            return grant.refreshToken().isPresent();
        }

        @Override
        public String toString() {
            return "Refreshed[grant=" + grant + ", rotated=" + rotated() + ", refreshToken=<redacted>]";
        }
    }

    /**
     * Fullscript refused the refresh token (invalid_grant): final, the user must authorize again.
     * {@code afterLostResponse}: an earlier attempt got no usable answer, so it probably rotated the token.
     */
    record ReauthRequired(String reason, boolean afterLostResponse, Optional<String> requestId)
            implements RefreshOutcome {
    }

    /**
     * Final: Fullscript issued a pair the database did not store (it refused it, or was away until the lease
     * ended); the old refresh token is dead, so the user must authorize again. The reason says what was lost.
     */
    record GrantLost(String reason, Optional<String> requestId) implements RefreshOutcome {
    }

    /**
     * Transient failure: try again at {@code at}. {@code pauseAllUntil} is set for a 429, which slows every
     * worker down, not only this token.
     */
    record RetryLater(Instant at, String reason, Optional<String> requestId, Optional<Instant> pauseAllUntil)
            implements RefreshOutcome {
    }

    /**
     * Not sent because of this worker's configuration (a missing key, a disabled region): look again at
     * {@code recheckAt}, or at once on a worker that holds {@code missingKeyId}.
     */
    record HeldBack(String reason, Instant recheckAt, Optional<String> missingKeyId) implements RefreshOutcome {

        public HeldBack(String reason, Instant recheckAt) {
            this(reason, recheckAt, Optional.empty());
        }
    }

    /** Not sent, nothing to record: the lease is too short for a call, or the row changed since the claim. */
    record NotSent(String reason) implements RefreshOutcome {
    }

    /** Our client credentials were refused: the row is released untouched and its region waits. */
    record CredentialsRejected(Region region, Optional<String> requestId) implements RefreshOutcome {
        @Override
        public Optional<Region> rejectedRegion() {
            return Optional.of(region);
        }
    }
}
