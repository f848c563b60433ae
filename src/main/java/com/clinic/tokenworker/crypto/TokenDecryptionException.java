package com.clinic.tokenworker.crypto;

/** A ciphertext that cannot be opened: unknown key id, tampering, or bound to another row. Carries no secret. */
public class TokenDecryptionException extends RuntimeException {

    public TokenDecryptionException(String message) {
        super(message);
    }
}
