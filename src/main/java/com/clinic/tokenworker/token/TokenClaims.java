package com.clinic.tokenworker.token;

import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.db.LeasedRows;
import com.clinic.tokenworker.db.RetryColumns;
import com.clinic.tokenworker.engine.ClaimRequest;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
    public enum Due implements RetryColumns {
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
        @Override
        public String attemptsColumn() {
            return attemptsColumn;
        }

        /** The step's "not before" column on the row. */
        @Override
        public String backoffColumn() {
            return backoffColumn;
        }
    }

    private final LeasedRows rows;
    private final TokenCipher cipher;

    public TokenClaims(JdbcClient jdbc, TokenCipher cipher) {
        this.rows = new LeasedRows(jdbc, "oauth_token", Optional.of("updated_at"));
        this.cipher = cipher;
    }

    public List<LeasedToken> claim(Due due, ClaimRequest request) {
        if (request.limit() <= 0) {
            return List.of();
        }
        return rows.claim(request, "status = :status", due, due.order, LeasedToken.COLUMNS, cipher.keyIds())
                .param("status", due.status)
                .query(LeasedToken.ROW_MAPPER)
                .list()
                .stream()
                .sorted(due.comparator)
                .toList();
    }
}
