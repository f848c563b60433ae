package com.clinic.tokenworker.token;

import java.time.Instant;

/**
 * A worker's claim on an {@code oauth_token} row: {@code lease_owner} and {@code lease_until} as the claim wrote
 * them. Every later bookkeeping write is guarded by both, so a worker whose lease lapsed and was taken over cannot
 * touch the row any more. {@code until} is the value read back from the database, so it compares exactly.
 */
public record TokenLease(long tokenId, String owner, Instant until) {
}
