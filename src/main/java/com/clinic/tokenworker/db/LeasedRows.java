package com.clinic.tokenworker.db;

import com.clinic.tokenworker.engine.ClaimRequest;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The writes that end a claim on a row without a final result, for every table a step claims from: a call that
 * failed transiently, a row this worker's own configuration cannot serve, a row given back unsent. Each one is
 * guarded by the lease ({@link RowLease#GUARD}), frees the row and leaves its status as it is, so a status the
 * application set meanwhile (REVOKE_REQUESTED) is never overwritten.
 *
 * @param table        the claimed table; it has {@code last_error}, {@code last_request_id},
 *                     {@code held_back_key_id} and the lease columns
 * @param touchColumn  a column set to the write's time on every write, or empty
 */
public record LeasedRows(JdbcClient jdbc, String table, Optional<String> touchColumn) {

    /**
     * Leases up to {@code request.limit()} due rows in {@code order}: rows matching {@code filter} whose lease is
     * free or lapsed and whose {@code step} backoff has passed, or that another worker held back for one of
     * {@code keyIds} (this worker holds that key). Rows locked by a concurrent claim are skipped. One committed
     * statement; the caller binds what {@code filter} names and maps {@code columns}.
     */
    public JdbcClient.StatementSpec claim(ClaimRequest request, String filter, RetryColumns step, String order,
                                          String columns, Collection<String> keyIds) {
        return request.bind(jdbc.sql("""
                        UPDATE %1$s
                        SET lease_owner = :owner, lease_until = :leaseUntil
                        WHERE id IN (
                            SELECT id FROM %1$s
                            WHERE %2$s
                              AND (%3$s IS NULL OR %3$s <= :now OR held_back_key_id = ANY(CAST(:keyIds AS text[])))
                              AND (lease_until IS NULL OR lease_until <= :now)
                              %4$s
                            ORDER BY %5$s
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        RETURNING %6$s
                        """.formatted(table, filter, step.backoffColumn(), ClaimRequest.EXCLUSIONS, order, columns)))
                .param("keyIds", keyIds.toArray(String[]::new));
    }

    /** A call was made and failed transiently: count it, remember why, and try again at {@code at}. */
    public boolean retryLater(RowLease lease, RetryColumns step, Instant at, String reason,
                              Optional<String> requestId, Instant now) {
        return endLease(lease, """
                %1$s = %1$s + 1, %2$s = :at, last_error = :reason, held_back_key_id = NULL,
                last_request_id = COALESCE(:requestId, last_request_id)""".formatted(
                step.attemptsColumn(), step.backoffColumn()), now)
                .param("at", SqlTime.of(at))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null))
                .update() == 1;
    }

    /**
     * No call could be made because of the worker's own configuration (a missing decryption key, a disabled
     * region): no attempt is counted, and the row waits until {@code recheckAt} so it does not crowd out the rows
     * that can be served. A row held back for a key this worker lacks records that key's id: a worker that holds
     * it claims the row at once.
     */
    public boolean holdBack(RowLease lease, RetryColumns step, Instant recheckAt, String reason,
                            Optional<String> missingKeyId, Instant now) {
        return endLease(lease, "%s = :at, last_error = :reason, held_back_key_id = :keyId".formatted(
                step.backoffColumn()), now)
                .param("at", SqlTime.of(recheckAt))
                .param("reason", reason)
                .param("keyId", missingKeyId.orElse(null))
                .update() == 1;
    }

    /** Nothing was sent: the row is free again at once, as it was before the claim. */
    public boolean release(RowLease lease) {
        return lease.bindGuard(jdbc.sql("UPDATE %s SET lease_owner = NULL, lease_until = NULL WHERE %s"
                .formatted(table, RowLease.GUARD))).update() == 1;
    }

    private JdbcClient.StatementSpec endLease(RowLease lease, String assignments, Instant now) {
        String touch = touchColumn.map(column -> ", " + column + " = :now").orElse("");
        JdbcClient.StatementSpec statement = lease.bindGuard(jdbc.sql(
                "UPDATE %s SET %s, lease_owner = NULL, lease_until = NULL%s WHERE %s".formatted(
                        table, assignments, touch, RowLease.GUARD)));
        return touchColumn.isPresent() ? statement.param("now", SqlTime.of(now)) : statement;
    }
}
