package com.clinic.tokenworker.token;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Puts a grant the worker holds in memory but will not store into {@code oauth_grant_revocation}, so step
 * revokeTokens revokes it at Fullscript. Called inside the transaction that decided not to keep the grant: the
 * grant is queued if and only if that decision commits. (A grant replaced in the database moves to the queue in
 * {@link TokenStore}'s own statement, still encrypted.)
 *
 * <p>The tokens are encrypted with the current key and the associated data of an {@code oauth_token} row of the
 * same user ({@link TokenBinding}), so every queued ciphertext, moved or new, opens the same way.
 */
@Repository
public class RevocationQueue {

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    public RevocationQueue(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /**
     * @param tokenId      the oauth_token row the grant was for, if there is one
     * @param accessToken  sent only when there is no refresh token (Fullscript revokes the pair by either)
     */
    public void enqueue(String region, String ownerType, String ownerId, Long tokenId, RevocationReason reason,
                        String accessToken, String refreshToken, Instant now) {
        byte[] access = cipher.encrypt(accessToken,
                new TokenBinding(region, ownerType, ownerId, TokenField.ACCESS_TOKEN));
        byte[] refresh = refreshToken == null ? null
                : cipher.encrypt(refreshToken, new TokenBinding(region, ownerType, ownerId, TokenField.REFRESH_TOKEN));
        jdbc.sql("""
                        INSERT INTO oauth_grant_revocation (region, resource_owner_type, resource_owner_id, token_id,
                            reason, access_token_ciphertext, refresh_token_ciphertext, encryption_key_id, created_at)
                        VALUES (:region, :ownerType, :ownerId, :tokenId, :reason, :access, :refresh, :keyId, :now)
                        """)
                .param("region", region)
                .param("ownerType", ownerType)
                .param("ownerId", ownerId)
                .param("tokenId", tokenId)
                .param("reason", reason.name())
                .param("access", access)
                .param("refresh", refresh)
                .param("keyId", cipher.currentKeyId())
                .param("now", SqlTime.of(now))
                .update();
    }
}
