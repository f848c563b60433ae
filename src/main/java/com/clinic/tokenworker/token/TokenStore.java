package com.clinic.tokenworker.token;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.crypto.TokenDecryptionException;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.fullscript.Region;
import com.clinic.tokenworker.fullscript.TokenGrant;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes granted tokens into {@code oauth_token}, encrypted. One row per Fullscript user and region: a new
 * authorization by the same user replaces the row in place, but only with an authorization at least as new as
 * the stored one ({@code authorized_at}, which refreshes never move), so a slow writer holding an older grant
 * can never overwrite a newer one, and a refresh of the old grant cannot make a new authorization lose.
 *
 * <p>No grant is let go while still live at Fullscript: the grant a new authorization replaces moves to
 * {@code oauth_grant_revocation} in the statement that replaces it, and a grant older than the stored one is queued
 * there instead of stored; step revokeTokens revokes both. A row the application set to REVOKE_REQUESTED keeps
 * that request: its grant is queued with reason REVOKE_REQUESTED, and the new authorization, the user's latest
 * word, becomes ACTIVE.
 */
@Repository
public class TokenStore {

    /** A grant in these states may still be live at Fullscript; REAUTH_REQUIRED and REVOKED ones are dead. */
    private static final String LIVE_STATUSES = "'ACTIVE', 'REFRESH_DUE', 'REVOKE_REQUESTED'";

    private final JdbcClient jdbc;
    private final TokenCipher cipher;
    private final RevocationQueue queue;
    private final TransactionTemplate transaction;

    public TokenStore(JdbcClient jdbc, TokenCipher cipher, RevocationQueue queue,
                      PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.queue = queue;
        // Joins the caller's transaction (the exchange records the code's outcome in the same one), or opens one:
        // the row lock taken below must last until the replaced grant is queued.
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /** Stores the grant of an exchanged code and returns the row id (the existing row's when ours was older). */
    public long saveExchangedGrant(Region region, TokenGrant grant, String appUserRef, String redirectUri,
                                   Instant now) {
        String refreshToken = grant.refreshToken()
                .orElseThrow(() -> new IllegalArgumentException("an exchanged grant always has a refresh token"));
        byte[] access = cipher.encrypt(grant.accessToken(), binding(region, grant, TokenField.ACCESS_TOKEN));
        byte[] refresh = cipher.encrypt(refreshToken, binding(region, grant, TokenField.REFRESH_TOKEN));
        Long id = transaction.execute(tx -> {
            // A few rounds at most: between the insert that finds a row and the lock of that row, the purge of
            // REVOKED tokens may delete it, and the next insert then succeeds.
            for (int round = 0; round < 3; round++) {
                Optional<Long> inserted = insert(region, grant, appUserRef, redirectUri, access, refresh, now);
                if (inserted.isPresent()) {
                    return inserted.get();
                }
                Optional<Stored> stored = lock(region, grant);
                if (stored.isEmpty()) {
                    continue;
                }
                if (stored.get().same() && holdsRefreshToken(stored.get(), region, grant, refreshToken)) {
                    // The same grant written again (a write retried after a commit whose acknowledgement was
                    // lost): the row already holds it, and queuing it would revoke the user's live grant.
                    return stored.get().id();
                }
                if (stored.get().newer() || stored.get().same()) {
                    // Ours is the older authorization, or as old: a retried write whose pair a refresh has
                    // rotated since (the row holds the live one), or two authorizations in the same second. The
                    // stored one stays, ours is revoked, never stored.
                    queue.enqueue(region.code(), grant.resourceOwnerType(), grant.resourceOwnerId(),
                            stored.get().id(), RevocationReason.OLDER_AUTHORIZATION, grant.accessToken(),
                            refreshToken, now);
                    return stored.get().id();
                }
                replace(stored.get().id(), grant, appUserRef, redirectUri, access, refresh, now);
                return stored.get().id();
            }
            throw new IllegalStateException("the token row of " + grant.resourceOwnerType() + "/"
                    + grant.resourceOwnerId() + " kept disappearing while it was being replaced");
        });
        return id;
    }

    private Optional<Long> insert(Region region, TokenGrant grant, String appUserRef, String redirectUri,
                                  byte[] access, byte[] refresh, Instant now) {
        return jdbc.sql("""
                        INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, app_user_ref, scope,
                            token_type, access_token_ciphertext, refresh_token_ciphertext, encryption_key_id,
                            redirect_uri, issued_at, expires_at, authorized_at, status, created_at, updated_at)
                        VALUES (:region, :ownerType, :ownerId, :appUserRef, :scope, :tokenType, :access, :refresh,
                            :keyId, :redirectUri, :issuedAt, :expiresAt, :issuedAt, 'ACTIVE', :now, :now)
                        ON CONFLICT (region, resource_owner_type, resource_owner_id) DO NOTHING
                        RETURNING id
                        """)
                .param("region", region.code())
                .param("ownerType", grant.resourceOwnerType())
                .param("ownerId", grant.resourceOwnerId())
                .params(grantColumns(grant, appUserRef, redirectUri, access, refresh, now))
                .query(Long.class)
                .optional();
    }

    /**
     * Locks the user's row until the transaction ends, so nothing changes it between the decision and the write.
     * The authorizations are compared by the database, as it stores them (to the microsecond).
     */
    private Optional<Stored> lock(Region region, TokenGrant grant) {
        return jdbc.sql("""
                        SELECT id, authorized_at > :issuedAt AS newer, authorized_at = :issuedAt AS same,
                               refresh_token_ciphertext, encryption_key_id
                        FROM oauth_token
                        WHERE region = :region AND resource_owner_type = :ownerType AND resource_owner_id = :ownerId
                        FOR UPDATE
                        """)
                .param("region", region.code())
                .param("ownerType", grant.resourceOwnerType())
                .param("ownerId", grant.resourceOwnerId())
                .param("issuedAt", SqlTime.of(grant.issuedAt()))
                .query((rs, n) -> new Stored(rs.getLong("id"), rs.getBoolean("newer"), rs.getBoolean("same"),
                        rs.getBytes("refresh_token_ciphertext"), rs.getString("encryption_key_id")))
                .optional();
    }

    /**
     * One statement: the row's grant, if it may still be live, goes to the revocation queue as it is stored
     * (never decrypted), and the new grant takes its place. Both parts read the row as it was before the statement.
     */
    private void replace(long id, TokenGrant grant, String appUserRef, String redirectUri, byte[] access,
                         byte[] refresh, Instant now) {
        jdbc.sql("""
                        WITH queued AS (
                            INSERT INTO oauth_grant_revocation (region, resource_owner_type, resource_owner_id,
                                token_id, reason, access_token_ciphertext, refresh_token_ciphertext,
                                encryption_key_id, created_at)
                            SELECT region, resource_owner_type, resource_owner_id, id,
                                CASE WHEN status = 'REVOKE_REQUESTED' THEN 'REVOKE_REQUESTED' ELSE 'REAUTHORIZED' END,
                                access_token_ciphertext, refresh_token_ciphertext, encryption_key_id, :now
                            FROM oauth_token
                            WHERE id = :id AND status IN (%s) AND encryption_key_id IS NOT NULL
                              AND (access_token_ciphertext IS NOT NULL OR refresh_token_ciphertext IS NOT NULL)
                        )
                        UPDATE oauth_token SET
                            app_user_ref = COALESCE(:appUserRef, app_user_ref),
                            scope = :scope,
                            token_type = :tokenType,
                            access_token_ciphertext = :access,
                            refresh_token_ciphertext = :refresh,
                            encryption_key_id = :keyId,
                            redirect_uri = :redirectUri,
                            issued_at = :issuedAt,
                            expires_at = :expiresAt,
                            authorized_at = :issuedAt,
                            status = 'ACTIVE',
                            refresh_due_at = NULL,
                            refresh_attempts = 0,
                            next_refresh_at = NULL,
                            revoke_attempts = 0,
                            next_revoke_at = NULL,
                            held_back_key_id = NULL,
                            lease_owner = NULL,
                            lease_until = NULL,
                            last_error = NULL,
                            last_request_id = NULL,
                            version = version + 1,
                            updated_at = :now
                        WHERE id = :id
                        """.formatted(LIVE_STATUSES))
                .param("id", id)
                .params(grantColumns(grant, appUserRef, redirectUri, access, refresh, now))
                .update();
    }

    /** The values a stored grant writes, for the insert and the replacement alike. */
    private Map<String, Object> grantColumns(TokenGrant grant, String appUserRef, String redirectUri, byte[] access,
                                             byte[] refresh, Instant now) {
        Map<String, Object> columns = new HashMap<>();
        columns.put("appUserRef", appUserRef);
        columns.put("scope", grant.scope());
        columns.put("tokenType", grant.tokenType());
        columns.put("access", access);
        columns.put("refresh", refresh);
        columns.put("keyId", cipher.currentKeyId());
        columns.put("redirectUri", redirectUri);
        columns.put("issuedAt", SqlTime.of(grant.issuedAt()));
        columns.put("expiresAt", SqlTime.of(grant.expiresAt()));
        columns.put("now", SqlTime.of(now));
        return columns;
    }

    public static TokenBinding binding(Region region, TokenGrant grant, TokenField field) {
        return new TokenBinding(region.code(), grant.resourceOwnerType(), grant.resourceOwnerId(), field);
    }

    private boolean holdsRefreshToken(Stored stored, Region region, TokenGrant grant, String refreshToken) {
        if (stored.refreshTokenCiphertext() == null || stored.encryptionKeyId() == null) {
            return false;
        }
        try {
            return refreshToken.equals(cipher.decrypt(stored.refreshTokenCiphertext(), stored.encryptionKeyId(),
                    binding(region, grant, TokenField.REFRESH_TOKEN)));
        } catch (TokenDecryptionException e) {
            return false;
        }
    }

    /**
     * The stored row as the decision needs it.
     *
     * @param newer its authorization is newer than ours: ours is the late one
     * @param same  its authorization is as old as ours: possibly ours, written before
     */
    private record Stored(long id, boolean newer, boolean same, byte[] refreshTokenCiphertext,
                          String encryptionKeyId) {
    }
}
