package com.clinic.tokenworker.token;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.db.RowLease;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.engine.Claimed;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.RowMapper;

/**
 * An {@code oauth_token} row as a claim returned it: what a refresh or a revocation needs, still encrypted.
 * {@code version} is the token version the claim saw; a new token pair is only written over that same version.
 */
public record LeasedToken(
        RowLease lease,
        String region,
        String resourceOwnerType,
        String resourceOwnerId,
        String redirectUri,
        byte[] accessTokenCiphertext,
        byte[] refreshTokenCiphertext,
        String encryptionKeyId,
        Instant expiresAt,
        long version,
        int refreshAttempts,
        int revokeAttempts,
        String lastError) implements Claimed {

    /** The columns {@link #ROW_MAPPER} reads, for the RETURNING clause of a claim. */
    public static final String COLUMNS = "id, region, resource_owner_type, resource_owner_id, redirect_uri, "
            + "access_token_ciphertext, refresh_token_ciphertext, encryption_key_id, expires_at, version, "
            + "refresh_attempts, revoke_attempts, last_error, lease_owner, lease_until";

    public static final RowMapper<LeasedToken> ROW_MAPPER = (rs, n) -> new LeasedToken(
            new RowLease(rs.getLong("id"), rs.getString("lease_owner"),
                    SqlTime.toInstant(rs.getObject("lease_until", OffsetDateTime.class))),
            rs.getString("region"),
            rs.getString("resource_owner_type"),
            rs.getString("resource_owner_id"),
            rs.getString("redirect_uri"),
            rs.getBytes("access_token_ciphertext"),
            rs.getBytes("refresh_token_ciphertext"),
            rs.getString("encryption_key_id"),
            SqlTime.toInstant(rs.getObject("expires_at", OffsetDateTime.class)),
            rs.getLong("version"),
            rs.getInt("refresh_attempts"),
            rs.getInt("revoke_attempts"),
            rs.getString("last_error"));

    @Override
    public long id() {
        return lease.rowId();
    }

    @Override
    public Instant leaseUntil() {
        return lease.until();
    }

    /** The associated data the row's ciphertexts were sealed with (the natural key, see {@link TokenBinding}). */
    public TokenBinding binding(TokenField field) {
        return new TokenBinding(region, resourceOwnerType, resourceOwnerId, field);
    }

    /** Names the row the way logs and messages may: no token, no ciphertext. */
    @Override
    public String describe() {
        return "token " + id() + " (" + region + " " + resourceOwnerType + "/" + resourceOwnerId + ")";
    }

    @Override
    public String toString() {
        return "LeasedToken[id=" + id() + ", region=" + region + ", owner=" + resourceOwnerType + "/"
                + resourceOwnerId + ", version=" + version + ", expiresAt=" + expiresAt + ", attempts="
                + refreshAttempts + ", revokeAttempts=" + revokeAttempts + ", lease=" + lease + "]";
    }
}
