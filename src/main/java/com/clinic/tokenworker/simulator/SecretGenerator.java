package com.clinic.tokenworker.simulator;

import java.security.SecureRandom;
import java.util.Base64;

/** Opaque codes and tokens. Random rather than sequential so a client cannot accidentally rely on their shape. */
final class SecretGenerator {

    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    String next() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return encoder.encodeToString(bytes);
    }
}
