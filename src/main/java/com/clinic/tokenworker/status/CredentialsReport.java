package com.clinic.tokenworker.status;

import java.time.Instant;
import java.util.List;

/**
 * What status knows about the worker's secrets without holding any: regions whose client credentials Fullscript
 * refused (oauth_credential_check), and live tokens sealed with a key id the latest worker did not hold
 * (tokenworker_encryption_keys). Empty lists when the worker has not written those tables yet.
 */
public record CredentialsReport(List<RefusedRegion> refusedRegions, List<UndecryptableTokens> undecryptable,
                                List<UndecryptableGrants> undecryptableGrants) {

    /** The latest check of a region said REJECTED. */
    public record RefusedRegion(String region, Instant checkedAt, String detail, String requestId,
                                String checkedBy) {
    }

    /**
     * Tokens the worker must decrypt to refresh or revoke (ACTIVE, REFRESH_DUE, REVOKE_REQUESTED) whose key id is not among those the latest worker recorded.
     * {@code tokenIds} holds at most {@link CredentialsReader#IDS_LISTED} ids; {@code tokens} counts them all.
     */
    public record UndecryptableTokens(String keyId, long tokens, List<Long> tokenIds, List<String> workerKeyIds,
                                      Instant recordedAt, String recordedBy) {
    }

    /**
     * Grants waiting in oauth_grant_revocation to be revoked whose key id is not among those the latest worker
     * recorded: they stay live at Fullscript until a worker holds that key.
     */
    public record UndecryptableGrants(String keyId, long grants, List<String> workerKeyIds, Instant recordedAt,
                                      String recordedBy) {
    }
}
