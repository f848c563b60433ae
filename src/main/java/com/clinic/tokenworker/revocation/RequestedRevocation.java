package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.crypto.TokenBinding;
import com.clinic.tokenworker.crypto.TokenField;
import com.clinic.tokenworker.token.LeasedToken;
import java.time.Instant;

/** A REVOKE_REQUESTED {@code oauth_token} row, as the claim leased it. */
public record RequestedRevocation(LeasedToken token) implements RevocationTarget {

    @Override
    public long id() {
        return token.id();
    }

    @Override
    public String region() {
        return token.region();
    }

    @Override
    public Instant leaseUntil() {
        return token.leaseUntil();
    }

    @Override
    public String describe() {
        return token.describe();
    }

    @Override
    public byte[] accessTokenCiphertext() {
        return token.accessTokenCiphertext();
    }

    @Override
    public byte[] refreshTokenCiphertext() {
        return token.refreshTokenCiphertext();
    }

    @Override
    public String encryptionKeyId() {
        return token.encryptionKeyId();
    }

    @Override
    public TokenBinding binding(TokenField field) {
        return token.binding(field);
    }

    @Override
    public int attempts() {
        return token.revokeAttempts();
    }
}
