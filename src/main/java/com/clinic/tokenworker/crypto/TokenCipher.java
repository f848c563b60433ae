package com.clinic.tokenworker.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts tokens with AES-256-GCM. Stored value: {@code version | nonce (12 bytes) | ciphertext | tag (16 bytes)};
 * the key id goes in its own column, the row identity is the associated data ({@link TokenBinding}), encoded as
 * the version byte says (docs/ciphertext.md). New values always use the current key and format 2; previous keys
 * and format 1 only decrypt, so keys and formats change without rewriting rows at once.
 */
public final class TokenCipher {

    /** Length-prefixed associated data; what every new value is written with. */
    static final byte FORMAT_VERSION = 2;
    /** '|'-joined associated data: rows written before format 2, still read. */
    static final byte LEGACY_FORMAT_VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final EncryptionKey current;
    private final Map<String, EncryptionKey> byId = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(EncryptionKey current, List<EncryptionKey> previous) {
        this.current = current;
        byId.put(current.id(), current);
        previous.forEach(key -> byId.putIfAbsent(key.id(), key));
    }

    public String currentKeyId() {
        return current.id();
    }

    /** Every key id this cipher can decrypt: the current key's first, then the previous keys'. */
    public List<String> keyIds() {
        return List.copyOf(byId.keySet());
    }

    public byte[] encrypt(String plaintext, TokenBinding binding) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(binding.associatedData());
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(FORMAT_VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable on this JVM", e);
        }
    }

    public String decrypt(byte[] stored, String keyId, TokenBinding binding) {
        EncryptionKey key = byId.get(keyId);
        if (key == null) {
            throw TokenDecryptionException.missingKey(keyId);
        }
        if (stored == null || stored.length < 1 + NONCE_BYTES + TAG_BITS / 8
                || (stored[0] != FORMAT_VERSION && stored[0] != LEGACY_FORMAT_VERSION)) {
            throw new TokenDecryptionException("ciphertext of " + binding.field().label() + " has an unknown format");
        }
        byte[] associatedData = stored[0] == FORMAT_VERSION
                ? binding.associatedData() : binding.legacyAssociatedData();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new TokenDecryptionException("ciphertext of " + binding.field().label()
                    + " does not authenticate: tampered, or bound to another row");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable on this JVM", e);
        }
    }
}
