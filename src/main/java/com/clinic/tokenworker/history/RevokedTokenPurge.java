package com.clinic.tokenworker.history;

import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Deletes {@code oauth_token} rows REVOKED before the cutoff ({@code updated_at} is the revocation: the worker never writes
 * a REVOKED row again, except a new authorization, which makes it ACTIVE). Such a row holds no token; to the web
 * tier "no row" and "REVOKED" mean the same, connect again, and a new authorization creates a fresh row. Every
 * other status is kept: a REAUTH_REQUIRED row is what tells the web tier to ask the user again.
 *
 * <p>A row the web tier re-authorizes at this moment is either locked by its upsert (skipped here) or deleted
 * first, and the upsert then inserts a new one. Codes pointing at a deleted row get {@code token_id} NULL.
 */
@Repository
public class RevokedTokenPurge {

    private final JdbcClient jdbc;

    public RevokedTokenPurge(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public int purge(Instant revokedBefore, int limit) {
        return jdbc.sql("""
                        DELETE FROM oauth_token
                        WHERE id IN (
                            SELECT id FROM oauth_token
                            WHERE status = 'REVOKED'
                              AND updated_at < :before
                            ORDER BY updated_at
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        """)
                .param("before", SqlTime.of(revokedBefore))
                .param("limit", limit)
                .update();
    }
}
