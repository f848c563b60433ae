package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.fullscript.Region;
import java.time.Instant;
import java.util.Optional;

/**
 * What the loop itself must know of a step's outcome; each step's sealed outcome type extends this, and its
 * variants override what applies to them (the record components of the same names do so on their own).
 */
public interface Outcome {

    /** Fullscript's X-Request-Id of the call, if one was made and answered. */
    default Optional<String> requestId() {
        return Optional.empty();
    }

    /** Set on a 429: every worker pauses until then, not only this row. */
    default Optional<Instant> pauseAllUntil() {
        return Optional.empty();
    }

    /** Why, in words an operator reads (never a secret). */
    default String reason() {
        return "";
    }

    /**
     * True when the outcome carries tokens Fullscript granted that exist nowhere else: their write is tried again
     * while the database is away, for as long as the lease lasts.
     */
    default boolean holdsGrant() {
        return false;
    }

    /** Set when Fullscript refused the client credentials of this region: its rows are held back. */
    default Optional<Region> rejectedRegion() {
        return Optional.empty();
    }
}
