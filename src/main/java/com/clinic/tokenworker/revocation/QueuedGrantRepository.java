package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.db.SqlTime;
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

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    public QueuedGrantRepository(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
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
        return request.bind(jdbc.sql("""
                        UPDATE oauth_grant_revocation
                        SET lease_owner = :owner, lease_until = :leaseUntil
                        WHERE id IN (
                            SELECT id FROM oauth_grant_revocation
                            WHERE (next_attempt_at IS NULL OR next_attempt_at <= :now
                                   OR held_back_key_id = ANY(CAST(:keyIds AS text[])))
                              AND (lease_until IS NULL OR lease_until <= :now)
                              %s
                            ORDER BY id
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        RETURNING %s
                        """.formatted(ClaimRequest.EXCLUSIONS, QueuedGrant.COLUMNS)))
                .param("keyIds", cipher.keyIds().toArray(String[]::new))
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

    /** A call was made and failed transiently: count it, remember why, try again at {@code at}. */
    public boolean retryLater(QueuedGrant grant, Instant at, String reason, Optional<String> requestId) {
        return jdbc.sql("""
                        UPDATE oauth_grant_revocation
                        SET attempts = attempts + 1, next_attempt_at = :at, last_error = :reason,
                            last_request_id = COALESCE(:requestId, last_request_id), held_back_key_id = NULL,
                            lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND lease_owner = :owner AND lease_until = :until
                        """)
                .param("at", SqlTime.of(at))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null))
                .param("id", grant.queueId())
                .param("owner", grant.leaseOwner())
                .param("until", SqlTime.of(grant.leaseUntil()))
                .update() == 1;
    }

    /**
     * Not sent because of this worker's configuration: no attempt counted; looked at again at {@code recheckAt},
     * or at once by a worker holding {@code missingKeyId}.
     */
    public boolean holdBack(QueuedGrant grant, Instant recheckAt, String reason, Optional<String> missingKeyId) {
        return jdbc.sql("""
                        UPDATE oauth_grant_revocation
                        SET next_attempt_at = :at, last_error = :reason, held_back_key_id = :keyId,
                            lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND lease_owner = :owner AND lease_until = :until
                        """)
                .param("at", SqlTime.of(recheckAt))
                .param("reason", reason)
                .param("keyId", missingKeyId.orElse(null))
                .param("id", grant.queueId())
                .param("owner", grant.leaseOwner())
                .param("until", SqlTime.of(grant.leaseUntil()))
                .update() == 1;
    }

    /** Nothing was sent: free again at once. */
    public boolean release(QueuedGrant grant) {
        return jdbc.sql("""
                        UPDATE oauth_grant_revocation SET lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND lease_owner = :owner AND lease_until = :until
                        """)
                .param("id", grant.queueId())
                .param("owner", grant.leaseOwner())
                .param("until", SqlTime.of(grant.leaseUntil()))
                .update() == 1;
    }
}
