package com.clinic.tokenworker.token;

import com.clinic.tokenworker.engine.ClaimRequest;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The claim of {@code oauth_token} rows, shared by the refresh and the revocation steps. One statement
 * ({@code UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING}) committed at once, so the lease
 * is visible to every other worker, and to an external pipeline following the README, before any call. A row
 * under a live lease is skipped, so a revocation waits for a refresh in flight and the other way round.
 */
@Repository
public class TokenClaims {

    /** What a step claims: rows of one status whose backoff is over, most urgent first. */
    public enum Due {
        /** Refresh: earliest expiry first. */
        REFRESH("REFRESH_DUE", "expires_at, id", Comparator.comparing(LeasedToken::expiresAt)
                .thenComparing(LeasedToken::id)),
        /** Revocation: in the order they were asked for. */
        REVOCATION("REVOKE_REQUESTED", "id", Comparator.comparing(LeasedToken::id));

        private final String status;
        private final String order;
        private final Comparator<LeasedToken> comparator;

        Due(String status, String order, Comparator<LeasedToken> comparator) {
            this.status = status;
            this.order = order;
            this.comparator = comparator;
        }
    }

    private final JdbcClient jdbc;

    public TokenClaims(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<LeasedToken> claim(Due due, ClaimRequest request) {
        if (request.limit() <= 0) {
            return List.of();
        }
        return request.bind(jdbc.sql("""
                        UPDATE oauth_token
                        SET lease_owner = :owner, lease_until = :leaseUntil
                        WHERE id IN (
                            SELECT id FROM oauth_token
                            WHERE status = :status
                              AND (next_refresh_at IS NULL OR next_refresh_at <= :now)
                              AND (lease_until IS NULL OR lease_until <= :now)
                              %s
                            ORDER BY %s
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        RETURNING %s
                        """.formatted(ClaimRequest.EXCLUSIONS, due.order, LeasedToken.COLUMNS)))
                .param("status", due.status)
                .query(LeasedToken.ROW_MAPPER)
                .list()
                .stream()
                .sorted(due.comparator)
                .toList();
    }
}
