package com.clinic.tokenworker.token;

import com.clinic.tokenworker.db.LeasedRows;
import com.clinic.tokenworker.db.RowLease;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The bookkeeping writes that end a claim on an {@code oauth_token} row without storing a new token, shared by
 * the refresh and the revocation steps ({@link LeasedRows} says what each does). Each step counts and backs off in
 * its own columns ({@link TokenClaims.Due}); a held-back row's key id lets a worker holding that key claim it at
 * once ({@link TokenClaims}).
 */
@Repository
public class TokenLeaseRepository {

    private final LeasedRows rows;

    public TokenLeaseRepository(JdbcClient jdbc) {
        this.rows = new LeasedRows(jdbc, "oauth_token", Optional.of("updated_at"));
    }

    public boolean retryLater(TokenClaims.Due step, RowLease lease, Instant at, String reason,
                              Optional<String> requestId, Instant now) {
        return rows.retryLater(lease, step, at, reason, requestId, now);
    }

    public boolean holdBack(TokenClaims.Due step, RowLease lease, Instant recheckAt, String reason,
                            Optional<String> missingKeyId, Instant now) {
        return rows.holdBack(lease, step, recheckAt, reason, missingKeyId, now);
    }

    public boolean release(RowLease lease) {
        return rows.release(lease);
    }
}
