package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.db.RowLease;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.token.LeasedToken;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The revocation step's final write on {@code oauth_token} (its claim, which waits for a refresh in flight, is in
 * {@link com.clinic.tokenworker.token.TokenClaims}).
 */
@Repository
public class RevocationRepository {

    private final JdbcClient jdbc;

    public RevocationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Wipes both tokens and sets REVOKED, only for the version that was revoked: if a refresh stored a new pair
     * meanwhile, that pair is still live at Fullscript and the row stays REVOKE_REQUESTED for the next claim.
     */
    public boolean markRevoked(LeasedToken token, Optional<String> requestId, Instant now) {
        return token.lease().bindGuard(jdbc.sql("""
                        UPDATE oauth_token
                        SET status = 'REVOKED', access_token_ciphertext = NULL, refresh_token_ciphertext = NULL,
                            refresh_due_at = NULL, refresh_attempts = 0, next_refresh_at = NULL, last_error = NULL,
                            revoke_attempts = 0, next_revoke_at = NULL, held_back_key_id = NULL,
                            last_request_id = COALESCE(:requestId, last_request_id),
                            lease_owner = NULL, lease_until = NULL, version = version + 1, updated_at = :now
                        WHERE %s AND status = 'REVOKE_REQUESTED' AND version = :version
                        """.formatted(RowLease.GUARD)))
                .param("requestId", requestId.orElse(null))
                .param("now", SqlTime.of(now))
                .param("version", token.version())
                .update() == 1;
    }
}
