package com.clinic.tokenworker.status;

import java.time.Instant;
import java.util.Map;

/**
 * {@code oauth_token} at a glance, without reading a single ciphertext.
 *
 * @param byStatus                rows per status, every status present
 * @param reauthRequiredLastHour  tokens that became (or stayed and were touched as) REAUTH_REQUIRED in the last hour
 * @param oldestRefreshDueAt      the earliest refresh_due_at among REFRESH_DUE tokens, or null
 * @param refreshErrors           ACTIVE or REFRESH_DUE tokens whose last refresh attempt left an error
 * @param grantsToRevoke          grants the worker no longer keeps, still waiting in oauth_grant_revocation to be
 *                                revoked at Fullscript (0 before V12)
 * @param oldestGrantToRevokeAt   when the oldest of them was queued, or null
 */
public record TokensReport(Map<String, Long> byStatus, long reauthRequiredLastHour, Instant oldestRefreshDueAt,
                           long refreshErrors, long grantsToRevoke, Instant oldestGrantToRevokeAt) {
}
