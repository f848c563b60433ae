package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.engine.Claimed;
import java.time.Instant;

/**
 * A pending code this worker holds a lease on. {@code attempts} (after the claim) and {@code leaseOwner} identify
 * the claim: every status change is guarded by both, so a worker whose lease lapsed cannot touch a row that
 * another worker claimed since. {@link #toString()} never shows the code.
 */
public record ClaimedCode(
        long id,
        String code,
        String region,
        String redirectUri,
        String appUserRef,
        Instant receivedAt,
        int attempts,
        String leaseOwner,
        Instant leaseUntil) implements Claimed {

    /** Fullscript accepts a code for 10 minutes after issuing it; the web tier inserts it right away. */
    public Instant deadline() {
        return receivedAt.plus(TokenWorkerProperties.CODE_LIFETIME);
    }

    @Override
    public String describe() {
        return "code row " + id + " (" + region + ")";
    }

    @Override
    public String toString() {
        return "ClaimedCode[id=" + id + ", region=" + region + ", attempts=" + attempts + ", deadline=" + deadline()
                + ", code=<redacted>]";
    }
}
