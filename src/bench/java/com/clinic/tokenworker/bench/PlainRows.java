package com.clinic.tokenworker.bench;

import java.sql.SQLException;
import java.time.Instant;

/**
 * How {@link PlainWorker} claims a code and records its token, on one call thread: the same two statements and one
 * transaction whichever data stack runs them (PLAIN_DATA_STACK: {@link RawJdbcRows} or {@link SpringJdbcRows}).
 */
interface PlainRows extends AutoCloseable {

    /** The next due code, claimed and committed; null when nothing is due. */
    Claim claim() throws SQLException;

    /** Upserts the token and marks the code EXCHANGED, in one transaction. */
    void record(Claim claim, Grant grant) throws SQLException;

    @Override
    void close() throws SQLException;

    record Claim(long id, String code, String redirectUri, String appUserRef) {
    }

    /** What the token endpoint granted, tokens already encrypted. */
    record Grant(String ownerType, String ownerId, String scope, String tokenType, byte[] accessCiphertext,
                 byte[] refreshCiphertext, String keyId, Instant issuedAt, Instant expiresAt, Instant now,
                 String requestId) {
    }

    String CLAIM = """
            UPDATE oauth_pending_code SET status = 'EXCHANGING', attempts = attempts + 1, lease_owner = ?,
                lease_until = now() + interval '45 seconds'
            WHERE id = (SELECT id FROM oauth_pending_code
                        WHERE status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                        ORDER BY received_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, code, redirect_uri, app_user_ref
            """;

    String UPSERT = """
            INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, app_user_ref, scope,
                token_type, access_token_ciphertext, refresh_token_ciphertext, encryption_key_id,
                redirect_uri, issued_at, expires_at, authorized_at, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)
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
            """;

    String FINISH = """
            UPDATE oauth_pending_code SET status = 'EXCHANGED', code = NULL, token_id = ?, finished_at = ?,
                lease_owner = NULL, lease_until = NULL, last_error = NULL, last_request_id = ?
            WHERE id = ? AND lease_owner = ?
            """;
}
