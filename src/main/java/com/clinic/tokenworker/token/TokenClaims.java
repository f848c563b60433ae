package com.clinic.tokenworker.token;

import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.engine.ClaimRequest;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The claim of {@code oauth_token} rows, shared by the refresh and the revocation steps. One statement
 * ({@code UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING}) committed at once, so the lease
 * is visible to every other worker, and to an external pipeline following the README, before any call. A row
 * under a live lease is skipped, so a revocation waits for a refresh in flight and the other way round. A row
 * another worker held back for a key it lacks ({@code held_back_key_id}) is due at once for a worker holding that
 * key, whatever its backoff says.
 */
@Repository
public class TokenClaims {

    /**
     * What a step claims: rows of one status whose backoff is over, most urgent first. Each step has its own
     * backoff column, so a revocation never waits behind a refresh backoff.
     */
    public enum Due {
        /** Refresh: earliest expiry first. */
        REFRESH("REFRESH_DUE", "refresh_attempts", "next_refresh_at", "expires_at, id",
                Comparator.comparing(LeasedToken::expiresAt).thenComparing(LeasedToken::id)),
        /** Revocation: in the order they were asked for. */
        REVOCATION("REVOKE_REQUESTED", "revoke_attempts", "next_revoke_at", "id",
                Comparator.comparing(LeasedToken::id));

        private final String status;
        private final String attemptsColumn;
        private final String backoffColumn;
        private final String order;
        private final Comparator<LeasedToken> comparator;

        Due(String status, String attemptsColumn, String backoffColumn, String order,
            Comparator<LeasedToken> comparator) {
            this.status = status;
            this.attemptsColumn = attemptsColumn;
            this.backoffColumn = backoffColumn;
            this.order = order;
            this.comparator = comparator;
        }

        /** The step's count of failed calls on the row. */
        String attemptsColumn() {
            return attemptsColumn;
        }

        /** The step's "not before" column on the row. */
        String backoffColumn() {
            return backoffColumn;
        }
    }

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    public TokenClaims(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
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
                              AND (%1$s IS NULL OR %1$s <= :now
                                   OR held_back_key_id = ANY(CAST(:keyIds AS text[])))
                              AND (lease_until IS NULL OR lease_until <= :now)
                              %2$s
                            ORDER BY %3$s
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        RETURNING %4$s
                        """.formatted(due.backoffColumn, ClaimRequest.EXCLUSIONS, due.order, LeasedToken.COLUMNS)))
                .param("status", due.status)
                .param("keyIds", cipher.keyIds().toArray(String[]::new))
                .query(LeasedToken.ROW_MAPPER)
                .list()
                .stream()
                .sorted(due.comparator)
                .toList();
    }
}
