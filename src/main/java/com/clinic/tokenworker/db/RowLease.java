package com.clinic.tokenworker.db;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A worker's claim on one row of a claimed table: {@code lease_owner} and {@code lease_until} as the claim wrote
 * them. Every later bookkeeping write is guarded by both ({@link #GUARD}), so a worker whose lease lapsed and was
 * taken over cannot touch the row any more. {@code until} is the value read back from the database, so it compares
 * exactly.
 */
public record RowLease(long rowId, String owner, Instant until) {

    /** The condition of every write that must apply only while this lease holds. */
    public static final String GUARD = "id = :id AND lease_owner = :owner AND lease_until = :until";

    /** Binds {@code :id}, {@code :owner} and {@code :until} of {@link #GUARD}. */
    public JdbcClient.StatementSpec bindGuard(JdbcClient.StatementSpec statement) {
        return statement.param("id", rowId).param("owner", owner).param("until", SqlTime.of(until));
    }
}
