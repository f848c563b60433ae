package com.clinic.tokenworker.bench;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * How {@link PlainWorker} claims a code and records its token, on one call thread: the same three statements and
 * the same transaction whichever data stack runs them (PLAIN_DATA_STACK: {@link RawJdbcRows} or
 * {@link SpringJdbcRows}).
 */
interface PlainRows extends AutoCloseable {

    /** The next due code, claimed and committed; null when nothing is due. */
    Claim claim() throws SQLException;

    /** Inserts the token and marks the code EXCHANGED, in one transaction. */
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

    /**
     * TokenStore's insert of a grant, with positional parameters. The bench gives every code its own resource owner
     * (FakeFullscriptServer.mintCode), so this insert is the one statement TokenStore sends for each of them; its
     * lock-and-replace path for an owner seen before never runs here.
     */
    String INSERT = """
            INSERT INTO oauth_token (region, resource_owner_type, resource_owner_id, app_user_ref, scope,
                token_type, access_token_ciphertext, refresh_token_ciphertext, encryption_key_id,
                redirect_uri, issued_at, expires_at, authorized_at, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?)
            ON CONFLICT (region, resource_owner_type, resource_owner_id) DO NOTHING
            RETURNING id
            """;

    String FINISH = """
            UPDATE oauth_pending_code SET status = 'EXCHANGED', code = NULL, token_id = ?, finished_at = ?,
                lease_owner = NULL, lease_until = NULL, last_error = NULL, last_request_id = ?
            WHERE id = ? AND lease_owner = ?
            """;

    /** {@link #INSERT}'s values, in the order of its placeholders. */
    static Object[] insertValues(Claim claim, Grant grant) {
        Timestamp issued = Timestamp.from(grant.issuedAt());
        Timestamp now = Timestamp.from(grant.now());
        return new Object[] {"us", grant.ownerType(), grant.ownerId(), claim.appUserRef(), grant.scope(),
                grant.tokenType(), grant.accessCiphertext(), grant.refreshCiphertext(), grant.keyId(),
                claim.redirectUri(), issued, Timestamp.from(grant.expiresAt()), issued, now, now};
    }

    /** {@link #FINISH}'s values, in the order of its placeholders. */
    static Object[] finishValues(Claim claim, Grant grant, long tokenId, String owner) {
        return new Object[] {tokenId, Timestamp.from(grant.now()), grant.requestId(), claim.id(), owner};
    }

    static IllegalStateException ownerAlreadyStored(Claim claim) {
        return new IllegalStateException("the token of code row " + claim.id() + " found its owner already stored: "
                + "the bench gives every code its own owner");
    }

    static IllegalStateException leaseLost(Claim claim) {
        return new IllegalStateException("lost the lease of code row " + claim.id());
    }
}
