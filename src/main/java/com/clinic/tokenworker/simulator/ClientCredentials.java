package com.clinic.tokenworker.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The one registered application of this server. */
final class ClientCredentials {

    private final byte[] clientId;
    private final byte[] clientSecret;

    ClientCredentials(String clientId, String clientSecret) {
        this.clientId = clientId.getBytes(StandardCharsets.UTF_8);
        this.clientSecret = clientSecret.getBytes(StandardCharsets.UTF_8);
    }

    boolean matches(String id, String secret) {
        // Constant-time, like a real server: the simulator should not model habits we would flag in review.
        boolean idOk = MessageDigest.isEqual(clientId, id.getBytes(StandardCharsets.UTF_8));
        boolean secretOk = MessageDigest.isEqual(clientSecret, secret.getBytes(StandardCharsets.UTF_8));
        return idOk & secretOk;
    }
}
