package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.engine.Claimed;

/**
 * What step revokeTokens revokes: an {@code oauth_token} row the application set to REVOKE_REQUESTED
 * ({@link RequestedRevocation}), or a grant the worker obtained and no longer keeps, queued in
 * {@code oauth_grant_revocation} ({@link QueuedGrant}). Both are revoked the same way; only their rows differ.
 */
public sealed interface RevocationTarget extends Claimed permits RequestedRevocation, QueuedGrant {

    byte[] accessTokenCiphertext();

    byte[] refreshTokenCiphertext();

    String encryptionKeyId();

    /** The associated data of both ciphertexts (queued ones are sealed as their user's oauth_token row). */
    TokenBinding binding(TokenField field);

    /** Failed revocation calls so far. */
    int attempts();
}
