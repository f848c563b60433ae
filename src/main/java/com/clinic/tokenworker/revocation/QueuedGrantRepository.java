package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.db.LeasedRows;
import com.clinic.tokenworker.db.RetryColumns;
import com.clinic.tokenworker.engine.ClaimRequest;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Step revokeTokens' claim and writes of {@code oauth_grant_revocation}, the grants the worker no longer keeps. The
 * claim is the one every step uses (one committed {@code UPDATE ... FOR UPDATE SKIP LOCKED}); the bookkeeping
 * writes are guarded by the lease, so a worker whose lease was taken over touches nothing.
 */
@Repository
public class QueuedGrantRepository {

    /** The queue keeps one retry state per row. */
    private static final RetryColumns RETRY = new RetryColumns() {
        @Override
        public String attemptsColumn() {
            return "attempts";
        }

        @Override
        public String backoffColumn() {
            return "next_attempt_at";
        }
    };

    private final JdbcClient jdbc;
    private final LeasedRows rows;
    private final TokenCipher cipher;

    public QueuedGrantRepository(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.rows = new LeasedRows(jdbc, "oauth_grant_revocation", Optional.empty());
        this.cipher = cipher;
    }

    /**
     * Due rows in the order they were queued; {@code request}'s skipped ids are queue ids here. A row another
     * worker held back for a key it lacks is due at once for a worker holding that key.
     */
    public List<QueuedGrant> claim(ClaimRequest request) {
        if (request.limit() <= 0) {
            return List.of();
        }
        return rows.claim(request, "TRUE", RETRY, "id", QueuedGrant.COLUMNS, cipher.keyIds())
                .query(QueuedGrant.ROW_MAPPER)
                .list()
                .stream()
                .sorted(Comparator.comparingLong(QueuedGrant::queueId))
                .toList();
    }

    /**
     * Fullscript revoked the grant: the row goes, tokens and all. Not guarded by the lease: whoever holds the row
     * now would only revoke a revoked grant again.
     */
    public void delete(QueuedGrant grant) {
        jdbc.sql("DELETE FROM oauth_grant_revocation WHERE id = :id").param("id", grant.queueId()).update();
    }

    // The queue has no updated_at, so the writes below have no time of their own to record.

    /** A call was made and failed transiently: count it, remember why, try again at {@code at}. */
    public boolean retryLater(QueuedGrant grant, Instant at, String reason, Optional<String> requestId) {
        return rows.retryLater(grant.lease(), RETRY, at, reason, requestId, null);
    }

    /**
     * Not sent because of this worker's configuration: no attempt counted; looked at again at {@code recheckAt},
     * or at once by a worker holding {@code missingKeyId}.
     */
    public boolean holdBack(QueuedGrant grant, Instant recheckAt, String reason, Optional<String> missingKeyId) {
        return rows.holdBack(grant.lease(), RETRY, recheckAt, reason, missingKeyId, null);
    }

    /** Nothing was sent: free again at once. */
    public boolean release(QueuedGrant grant) {
        return rows.release(grant.lease());
    }
}
