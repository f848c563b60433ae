package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One claim of a step: up to {@code limit} due rows, leased to {@code owner} until {@code now + lease}, leaving
 * out the regions whose credentials Fullscript refused in this execution and the rows this step run already gave
 * back unsent. Every claim statement filters with {@link #EXCLUSIONS} and binds with {@link #bind}.
 */
public record ClaimRequest(String owner, Instant now, Duration lease, int limit, Set<String> heldBackRegions,
                           Set<Long> skippedIds) {

    /**
     * The shared filter of every claim, for a table with {@code id} and {@code region} columns. It also claims
     * nothing while Fullscript's 429 pause runs: the pause is read by the claim itself, in the same round trip and
     * snapshot, rather than by a query of its own before each claim (the loop asks the pause only when a claim
     * came back empty, to tell "paused" from "nothing due").
     */
    public static final String EXCLUSIONS = """
            AND NOT (lower(region) = ANY(CAST(:heldBackRegions AS text[])))
            AND NOT (id = ANY(CAST(:skippedIds AS bigint[])))
            AND NOT EXISTS (SELECT 1 FROM tokenworker_throttle pause
                            WHERE pause.id = 1 AND pause.paused_until > :now)""";

    public ClaimRequest {
        heldBackRegions = Set.copyOf(heldBackRegions);
        skippedIds = Set.copyOf(skippedIds);
    }

    public Instant leaseUntil() {
        return now.plus(lease);
    }

    /** Binds {@code :owner}, {@code :now}, {@code :leaseUntil}, {@code :limit} and the exclusions. */
    public JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
        return statement.param("owner", owner)
                .param("now", SqlTime.of(now))
                .param("leaseUntil", SqlTime.of(leaseUntil()))
                .param("limit", limit)
                .param("heldBackRegions", heldBackRegions.toArray(String[]::new))
                .param("skippedIds", skippedIds.toArray(Long[]::new));
    }
}
