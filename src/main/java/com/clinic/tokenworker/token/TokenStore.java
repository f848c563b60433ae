package com.clinic.tokenworker.token;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import com.clinic.tokenworker.db.SqlTime;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Writes granted tokens into {@code oauth_token}, encrypted. One row per Fullscript user and region: a new
 * authorization by the same user replaces the row in place, but only with an authorization at least as new as
 * the stored one ({@code authorized_at}, which refreshes never move), so a slow writer holding an older grant
 * can never overwrite a newer one, and a refresh of the old grant cannot make a new authorization lose.
 */
@Repository
public class TokenStore {

    private final JdbcClient jdbc;
    private final TokenCipher cipher;

    public TokenStore(JdbcClient jdbc, TokenCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** Stores the grant of an exchanged code and returns the row id (the existing row's when ours was older). */
    public long saveExchangedGrant(Region region, TokenGrant grant, String appUserRef, String redirectUri,
                                   Instant now) {
        String refreshToken = grant.refreshToken()
                .orElseThrow(() -> new IllegalArgumentException("an exchanged grant always has a refresh token"));
        byte[] access = cipher.encrypt(grant.accessToken(), binding(region, grant, TokenField.ACCESS_TOKEN));
        byte[] refresh = cipher.encrypt(refreshToken, binding(region, grant, TokenField.REFRESH_TOKEN));
        return jdbc.sql("""
                        INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, app_user_ref, scope,
                            token_type, access_token_ciphertext, refresh_token_ciphertext, encryption_key_id,
                            redirect_uri, issued_at, expires_at, authorized_at, status, created_at, updated_at)
                        VALUES (:region, :ownerType, :ownerId, :appUserRef, :scope, :tokenType, :access, :refresh,
                            :keyId, :redirectUri, :issuedAt, :expiresAt, :issuedAt, 'ACTIVE', :now, :now)
                        ON CONFLICT (region, resource_owner_type, resource_owner_id) DO UPDATE SET
                            app_user_ref = COALESCE(EXCLUDED.app_user_ref, oauth_token.app_user_ref),
                            scope = EXCLUDED.scope,
                            token_type = EXCLUDED.token_type,
                            access_token_ciphertext = EXCLUDED.access_token_ciphertext,
                            refresh_token_ciphertext = EXCLUDED.refresh_token_ciphertext,
                            encryption_key_id = EXCLUDED.encryption_key_id,
                            redirect_uri = EXCLUDED.redirect_uri,
                            issued_at = EXCLUDED.issued_at,
                            expires_at = EXCLUDED.expires_at,
                            authorized_at = EXCLUDED.authorized_at,
                            status = 'ACTIVE',
                            refresh_due_at = NULL,
                            refresh_attempts = 0,
                            next_refresh_at = NULL,
                            lease_owner = NULL,
                            lease_until = NULL,
                            last_error = NULL,
                            last_request_id = NULL,
                            version = oauth_token.version + 1,
                            updated_at = EXCLUDED.updated_at
                        WHERE oauth_token.authorized_at <= EXCLUDED.authorized_at
                        RETURNING id
                        """)
                .param("region", region.code())
                .param("ownerType", grant.resourceOwnerType())
                .param("ownerId", grant.resourceOwnerId())
                .param("appUserRef", appUserRef)
                .param("scope", grant.scope())
                .param("tokenType", grant.tokenType())
                .param("access", access)
                .param("refresh", refresh)
                .param("keyId", cipher.currentKeyId())
                .param("redirectUri", redirectUri)
                .param("issuedAt", SqlTime.of(grant.issuedAt()))
                .param("expiresAt", SqlTime.of(grant.expiresAt()))
                .param("now", SqlTime.of(now))
                .query(Long.class)
                .optional()
                .orElseGet(() -> idOf(region, grant.resourceOwnerType(), grant.resourceOwnerId()));
    }

    private long idOf(Region region, String ownerType, String ownerId) {
        return jdbc.sql("""
                        SELECT id FROM oauth_token
                        WHERE region = :region AND resource_owner_type = :ownerType AND resource_owner_id = :ownerId
                        """)
                .param("region", region.code())
                .param("ownerType", ownerType)
                .param("ownerId", ownerId)
                .query(Long.class)
                .single();
    }

    public static TokenBinding binding(Region region, TokenGrant grant, TokenField field) {
        return new TokenBinding(region.code(), grant.resourceOwnerType(), grant.resourceOwnerId(), field);
    }
}
