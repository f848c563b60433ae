package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenDecryptionException;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.db.RowLease;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.engine.ClaimRequest;
import com.clinic.tokenworker.token.LeasedToken;
import com.clinic.tokenworker.token.TokenClaims;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The refresh step's reads and writes of {@code oauth_token} (its claim is in {@link TokenClaims}). A new token pair
 * is written only over the version the claim saw.
 */
@Repository
public class DueTokenRepository {

    private final JdbcClient jdbc;
    private final TokenCipher cipher;
    private final TokenClaims claims;

    public DueTokenRepository(JdbcClient jdbc, TokenCipher cipher, TokenClaims claims) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.claims = claims;
    }

    /** Claims up to {@code limit} REFRESH_DUE tokens for {@code owner} (as the refresh step does, nothing left out). */
    public List<LeasedToken> claim(String owner, Instant now, Duration lease, int limit) {
        return claims.claim(TokenClaims.Due.REFRESH, new ClaimRequest(owner, now, lease, limit, Set.of(), Set.of()));
    }

    /**
     * Right before the call: still REFRESH_DUE, still the version we claimed, still under our lease. A user who
     * authorized again or an application that asked for revocation since the claim is not refreshed.
     */
    public boolean isStillDue(LeasedToken token) {
        return token.lease().bindGuard(jdbc.sql("""
                        SELECT count(*) FROM oauth_token
                        WHERE %s AND status = 'REFRESH_DUE' AND version = :version
                        """.formatted(RowLease.GUARD)))
                .param("version", token.version())
                .query(Long.class)
                .single() == 1L;
    }

    /**
     * Stores the refreshed pair, both tokens encrypted in one statement, only if the row still has the version
     * the claim saw: a stale writer never overwrites a newer token. The lease is deliberately not required: a
     * pair in hand is the only copy of a rotated refresh token, so it is stored even if our lease lapsed, and a
     * worker that took the row over meanwhile (and was refused with the old token) is overruled. A row the
     * application set to REVOKE_REQUESTED meanwhile keeps that status, so the live pair gets revoked next.
     *
     * @return false when another writer stored a newer token (or the row was revoked): nothing was written
     */
    public boolean saveRefreshed(LeasedToken token, TokenGrant grant, String refreshTokenToStore,
                                 Optional<String> requestId, Instant now) {
        byte[] access = cipher.encrypt(grant.accessToken(), token.binding(TokenField.ACCESS_TOKEN));
        byte[] refresh = cipher.encrypt(refreshTokenToStore, token.binding(TokenField.REFRESH_TOKEN));
        return jdbc.sql("""
                        UPDATE oauth_token
                        SET access_token_ciphertext = :access, refresh_token_ciphertext = :refresh,
                            encryption_key_id = :keyId, token_type = :tokenType,
                            scope = COALESCE(NULLIF(:scope, ''), scope),
                            issued_at = :issuedAt, expires_at = :expiresAt,
                            status = CASE WHEN status = 'REVOKE_REQUESTED' THEN status ELSE 'ACTIVE' END,
                            refresh_due_at = NULL, refresh_attempts = 0, next_refresh_at = NULL,
                            last_error = NULL, last_request_id = :requestId, held_back_key_id = NULL,
                            lease_owner = NULL, lease_until = NULL,
                            version = version + 1, updated_at = :now
                        WHERE id = :id AND version = :version AND status <> 'REVOKED'
                        """)
                .param("access", access)
                .param("refresh", refresh)
                .param("keyId", cipher.currentKeyId())
                .param("tokenType", grant.tokenType())
                .param("scope", grant.scope())
                .param("issuedAt", SqlTime.of(grant.issuedAt()))
                .param("expiresAt", SqlTime.of(grant.expiresAt()))
                .param("requestId", requestId.orElse(null))
                .param("now", SqlTime.of(now))
                .param("id", token.id())
                .param("version", token.version())
                .update() == 1;
    }

    /**
     * True when the row holds {@code refreshToken} now: a pair that "lost" the version race to a write of itself (a
     * store retried after its commit was acknowledged late), or to another refresh of a server that does not rotate,
     * is still kept and must not be revoked.
     */
    public boolean holdsRefreshToken(LeasedToken token, String refreshToken) {
        return jdbc.sql("SELECT refresh_token_ciphertext, encryption_key_id FROM oauth_token WHERE id = :id")
                .param("id", token.id())
                .query((rs, n) -> {
                    byte[] stored = rs.getBytes("refresh_token_ciphertext");
                    String keyId = rs.getString("encryption_key_id");
                    if (stored == null || keyId == null) {
                        return false;
                    }
                    try {
                        return refreshToken.equals(cipher.decrypt(stored, keyId,
                                token.binding(TokenField.REFRESH_TOKEN)));
                    } catch (TokenDecryptionException e) {
                        return false;
                    }
                })
                .optional()
                .orElse(false);
    }

    /**
     * REAUTH_REQUIRED with what was lost, guarded by the version alone (the lease may have ended while the
     * database was away): a newer token stored since, or a status the application set, is left as it is.
     */
    public boolean recordLostGrant(LeasedToken token, String reason, Optional<String> requestId, Instant now) {
        return jdbc.sql("""
                        UPDATE oauth_token
                        SET status = 'REAUTH_REQUIRED', last_error = :reason,
                            last_request_id = COALESCE(:requestId, last_request_id), next_refresh_at = NULL,
                            lease_owner = NULL, lease_until = NULL, updated_at = :now
                        WHERE id = :id AND version = :version AND status IN ('REFRESH_DUE', 'REAUTH_REQUIRED')
                        """)
                .param("reason", reason)
                .param("requestId", requestId.orElse(null))
                .param("now", SqlTime.of(now))
                .param("id", token.id())
                .param("version", token.version())
                .update() == 1;
    }

    /** Final for the worker: only a new authorization (an exchange for the same user) makes the row ACTIVE again. */
    public boolean requireReauthorization(LeasedToken token, String reason, Optional<String> requestId,
                                          Instant now) {
        return token.lease().bindGuard(jdbc.sql("""
                        UPDATE oauth_token
                        SET status = 'REAUTH_REQUIRED', last_error = :reason,
                            last_request_id = COALESCE(:requestId, last_request_id), next_refresh_at = NULL,
                            lease_owner = NULL, lease_until = NULL, updated_at = :now
                        WHERE %s AND status = 'REFRESH_DUE' AND version = :version
                        """.formatted(RowLease.GUARD)))
                .param("reason", reason)
                .param("requestId", requestId.orElse(null))
                .param("now", SqlTime.of(now))
                .param("version", token.version())
                .update() == 1;
    }
}
