package com.clinic.tokenworker.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key and its id. The id is derived from the key itself (first 8 bytes of its SHA-256, hex), so a
 * service reading the tokens finds the right key from the stored id without any registry to keep in sync.
 */
public final class EncryptionKey {

    public static final int LENGTH_BYTES = 32;

    private final String id;
    private final SecretKey secretKey;

    private EncryptionKey(byte[] material) {
        this.secretKey = new SecretKeySpec(material, "AES");
        this.id = deriveId(material);
    }

    /** @throws IllegalArgumentException with a message that never contains the key material */
    public static EncryptionKey fromBase64(String base64) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not valid base64");
        }
        if (material.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("must decode to 32 bytes, got " + material.length);
        }
        return new EncryptionKey(material);
    }

    /** A fresh random key, for the demo only. */
    public static EncryptionKey generate() {
        byte[] material = new byte[LENGTH_BYTES];
        new SecureRandom().nextBytes(material);
        return new EncryptionKey(material);
    }

    public String id() {
        return id;
    }

    SecretKey secretKey() {
        return secretKey;
    }

    /** The key as the TOKEN_ENCRYPTION_KEY value; only the demo ever needs to show one it generated. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(secretKey.getEncoded());
    }

    private static String deriveId(byte[] material) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material);
            return HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "EncryptionKey[id=" + id + "]";
    }
}
