package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.config.RegionCredentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Names which credentials a stored check is about, so a worker with other credentials (a fixed secret, a rollout
 * half done) checks its own at once. 8 bytes of SHA-256 over the client id and SHA-256 of the secret: enough to
 * tell two configurations apart, nothing to recover a random secret from.
 */
final class CredentialsFingerprint {

    private CredentialsFingerprint() {
    }

    static String of(RegionCredentials credentials) {
        try {
            MessageDigest outer = MessageDigest.getInstance("SHA-256");
            byte[] secret = MessageDigest.getInstance("SHA-256")
                    .digest(credentials.clientSecret().getBytes(StandardCharsets.UTF_8));
            byte[] id = credentials.clientId().getBytes(StandardCharsets.UTF_8);
            outer.update(ByteBuffer.allocate(Integer.BYTES).putInt(id.length).array());
            outer.update(id);
            outer.update(secret);
            return HexFormat.of().formatHex(Arrays.copyOf(outer.digest(), 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
