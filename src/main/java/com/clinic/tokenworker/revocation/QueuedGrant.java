package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.db.RowLease;
import com.clinic.tokenworker.db.SqlTime;
import com.clinic.tokenworker.token.RevocationReason;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.jdbc.core.RowMapper;

/**
 * An {@code oauth_grant_revocation} row as the claim leased it: a grant the worker no longer keeps, still encrypted.
 *
 * <p>{@link #id()} is the queue id negated: the work loop keeps the ids of rows it gave back unsent in one set per
 * step, and a queued grant must not be mistaken for the {@code oauth_token} row of the same number.
 */
public record QueuedGrant(
        long queueId,
        String region,
        String resourceOwnerType,
        String resourceOwnerId,
        Long tokenId,
        RevocationReason reason,
        byte[] accessTokenCiphertext,
        byte[] refreshTokenCiphertext,
        String encryptionKeyId,
        int attempts,
        String leaseOwner,
        Instant leaseUntil) implements RevocationTarget {

    static final String COLUMNS = "id, region, resource_owner_type, resource_owner_id, token_id, reason, "
            + "access_token_ciphertext, refresh_token_ciphertext, encryption_key_id, attempts, lease_owner, "
            + "lease_until";

    static final RowMapper<QueuedGrant> ROW_MAPPER = (rs, n) -> new QueuedGrant(
            rs.getLong("id"),
            rs.getString("region"),
            rs.getString("resource_owner_type"),
            rs.getString("resource_owner_id"),
            rs.getObject("token_id", Long.class),
            RevocationReason.valueOf(rs.getString("reason")),
            rs.getBytes("access_token_ciphertext"),
            rs.getBytes("refresh_token_ciphertext"),
            rs.getString("encryption_key_id"),
            rs.getInt("attempts"),
            rs.getString("lease_owner"),
            SqlTime.toInstant(rs.getObject("lease_until", OffsetDateTime.class)));

    /** The loop's id of the queue row {@code queueId} (see the class comment). */
    static long loopId(long queueId) {
        return -queueId;
    }

    /** The lease the claim wrote, which guards every later write of the row. */
    public RowLease lease() {
        return new RowLease(queueId, leaseOwner, leaseUntil);
    }

    @Override
    public long id() {
        return loopId(queueId);
    }

    @Override
    public TokenBinding binding(TokenField field) {
        return new TokenBinding(region, resourceOwnerType, resourceOwnerId, field);
    }

    /** Names the row the way logs and messages may: no token, no ciphertext. */
    @Override
    public String describe() {
        return "grant no longer kept " + queueId + " (" + region + " " + resourceOwnerType + "/" + resourceOwnerId
                + ", " + reason + (tokenId == null ? "" : ", token " + tokenId) + ")";
    }

    @Override
    public String toString() {
        return "QueuedGrant[id=" + queueId + ", region=" + region + ", owner=" + resourceOwnerType + "/"
                + resourceOwnerId + ", reason=" + reason + ", attempts=" + attempts + ", lease=" + leaseOwner + "@"
                + leaseUntil + "]";
    }
}
