package com.clinic.tokenworker.simulator;

import java.time.Instant;

/** An authorization code as if the user had just clicked "Authorize" in Fullscript. */
public record MintedCode(String code, String redirectUri, ResourceOwner owner, Instant expiresAt) {
}
