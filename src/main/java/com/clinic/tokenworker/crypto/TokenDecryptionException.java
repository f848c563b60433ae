package com.clinic.tokenworker.crypto;

import java.util.Optional;

/** A ciphertext that cannot be opened: unknown key id, tampering, or bound to another row. Carries no secret. */
public class TokenDecryptionException extends RuntimeException {

    private final String missingKeyId;

    public TokenDecryptionException(String message) {
        this(message, null);
    }

    private TokenDecryptionException(String message, String missingKeyId) {
        super(message);
        this.missingKeyId = missingKeyId;
    }

    /** The value was sealed with a key this process does not hold (a key id names a key, and reveals nothing of it). */
    static TokenDecryptionException missingKey(String keyId) {
        return new TokenDecryptionException("no configured key has id " + keyId
                + "; add the old key to TOKEN_ENCRYPTION_PREVIOUS_KEYS", keyId);
    }

    /**
     * The id of the key that would open the value, when the only trouble is that this process lacks it: another
     * worker holding it can, at once.
     */
    public Optional<String> missingKeyId() {
        return Optional.ofNullable(missingKeyId);
    }
}
