package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.engine.ClaimRequest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * All reads and writes of {@code oauth_pending_code}. Claims are one statement ({@code UPDATE ... WHERE id IN
 * (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING}) committed at once, so the lease is visible to every other worker
 * before any call is made; every later status change is guarded by the claim and its row count returned.
 */
@Repository
public class PendingCodeRepository {

    private static final String CODE_LIFETIME = "interval '" + TokenWorkerProperties.CODE_LIFETIME.toSeconds()
            + " seconds'";

    private final JdbcClient jdbc;

    public PendingCodeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Codes past their deadline are EXPIRED without a call. A row under a live lease is left to its worker, which
     * decides with the response in hand.
     */
    public int expireOverdue(Instant now) {
        return jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = 'EXPIRED', code = NULL, finished_at = :now, lease_owner = NULL,
                            lease_until = NULL,
                            last_error = CASE WHEN attempts = 0
                                THEN 'not exchanged before its 10-minute deadline (no attempt was made)'
                                WHEN starts_with(COALESCE(last_error, ''), :outcomeUnknown)
                                THEN :outcomeUnknown || ': the last of ' || attempts || ' attempt(s) got no answer '
                                     || 'in time, so Fullscript may have used the code, and its 10-minute deadline '
                                     || 'passed before another attempt: the user must authorize again; last error: '
                                     || last_error
                                ELSE 'not exchanged before its 10-minute deadline after ' || attempts
                                     || ' attempt(s); last error: ' || COALESCE(last_error, 'none') END
                        WHERE status IN ('PENDING', 'EXCHANGING')
                          AND received_at + %s <= :now
                          AND (status = 'PENDING' OR lease_until <= :now)
                        """.formatted(CODE_LIFETIME))
                .param("now", SqlTime.of(now))
                .param("outcomeUnknown", CodeExchanger.OUTCOME_UNKNOWN)
                .update();
    }

    /**
     * Claims up to {@code limit} due codes, earliest deadline first: PENDING rows whose next attempt is due, and
     * EXCHANGING rows whose lease lapsed (their worker died). Rows locked by a concurrent claim are skipped.
     */
    public List<ClaimedCode> claim(ClaimRequest request) {
        if (request.limit() <= 0) {
            return List.of();
        }
        return request.bind(jdbc.sql("""
                        UPDATE oauth_pending_code p
                        SET status = 'EXCHANGING', lease_owner = :owner, lease_until = :leaseUntil,
                            attempts = p.attempts + 1
                        WHERE p.id IN (
                            SELECT id FROM oauth_pending_code
                            WHERE status IN ('PENDING', 'EXCHANGING')
                              AND (status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= :now)
                                   OR status = 'EXCHANGING' AND lease_until <= :now)
                              AND received_at + %s > :now
                              %s
                            ORDER BY received_at, id
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        RETURNING p.id, p.code, p.region, p.redirect_uri, p.app_user_ref, p.received_at, p.attempts,
                                  p.lease_owner, p.lease_until
                        """.formatted(CODE_LIFETIME, ClaimRequest.EXCLUSIONS)))
                .query((rs, n) -> new ClaimedCode(
                        rs.getLong("id"),
                        rs.getString("code"),
                        rs.getString("region"),
                        rs.getString("redirect_uri"),
                        rs.getString("app_user_ref"),
                        rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                        rs.getInt("attempts"),
                        rs.getString("lease_owner"),
                        rs.getObject("lease_until", OffsetDateTime.class).toInstant()))
                .list()
                .stream()
                .sorted(java.util.Comparator.comparing(ClaimedCode::receivedAt))
                .toList();
    }

    /**
     * A token in hand is never thrown away: success applies even if our lease lapsed and another worker has
     * since recorded a failure for the same code (it was rejected because we had already used it).
     */
    public boolean markExchanged(ClaimedCode claimed, long tokenId, Optional<String> requestId, Instant now) {
        return jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = 'EXCHANGED', code = NULL, token_id = :tokenId, finished_at = :now,
                            last_error = NULL, last_request_id = :requestId, lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND status <> 'EXCHANGED'
                        """)
                .param("tokenId", tokenId)
                .param("now", SqlTime.of(now))
                .param("requestId", requestId.orElse(null))
                .param("id", claimed.id())
                .update() == 1;
    }

    /** FAILED or EXPIRED, only if the row is still under this very claim. */
    public boolean finish(ClaimedCode claimed, CodeStatus status, String reason, Optional<String> requestId,
                          Instant now) {
        if (!status.isFinal() || status == CodeStatus.EXCHANGED) {
            throw new IllegalArgumentException("finish() records FAILED or EXPIRED, not " + status);
        }
        return updateUnderClaim(jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = :status, code = NULL, finished_at = :now, last_error = :reason,
                            last_request_id = COALESCE(:requestId, last_request_id),
                            lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND status = 'EXCHANGING' AND lease_owner = :owner AND attempts = :attempts
                        """)
                .param("status", status.name())
                .param("now", SqlTime.of(now))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null)), claimed);
    }

    /**
     * FAILED with what was lost, under any claim: the grant our call received used the code, so whatever another
     * worker recorded since (a refused resend) says less than this.
     */
    public boolean failLostGrant(ClaimedCode claimed, String reason, Optional<String> requestId, Instant now) {
        return jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = 'FAILED', code = NULL, finished_at = COALESCE(finished_at, :now),
                            last_error = :reason, last_request_id = COALESCE(:requestId, last_request_id),
                            lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND status <> 'EXCHANGED'
                        """)
                .param("now", SqlTime.of(now))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null))
                .param("id", claimed.id())
                .update() == 1;
    }

    /** Back to PENDING until {@code at}, keeping the attempt count (the call was made). */
    public boolean retryLater(ClaimedCode claimed, Instant at, String reason, Optional<String> requestId) {
        return updateUnderClaim(jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = 'PENDING', next_attempt_at = :at, last_error = :reason,
                            last_request_id = COALESCE(:requestId, last_request_id),
                            lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND status = 'EXCHANGING' AND lease_owner = :owner AND attempts = :attempts
                        """)
                .param("at", SqlTime.of(at))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null)), claimed);
    }

    /** Back to PENDING at once and the attempt uncounted: nothing was sent, or the send did not use the code. */
    public boolean release(ClaimedCode claimed, Instant now) {
        return updateUnderClaim(jdbc.sql("""
                        UPDATE oauth_pending_code
                        SET status = 'PENDING', next_attempt_at = :now, attempts = attempts - 1,
                            lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND status = 'EXCHANGING' AND lease_owner = :owner AND attempts = :attempts
                        """)
                .param("now", SqlTime.of(now)), claimed);
    }

    /** Runs a status change guarded by {@code id, status = 'EXCHANGING', lease_owner, attempts}: this very claim. */
    private static boolean updateUnderClaim(JdbcClient.StatementSpec statement, ClaimedCode claimed) {
        return statement.param("id", claimed.id())
                .param("owner", claimed.leaseOwner())
                .param("attempts", claimed.attempts())
                .update() == 1;
    }
}
