package com.clinic.tokenworker.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code oauth_pending_code} at a glance.
 *
 * @param byStatus         rows per status, every status present
 * @param oldestWaiting    the waiting code nearest its deadline, or null when none waits
 * @param expiredLastHour  codes that reached their deadline unexchanged within the last hour
 * @param lastExpiredAt    when the latest of those expired, or null
 * @param failedLastHour   codes Fullscript rejected (or that could not be sent) within the last hour
 * @param latestProblems   the latest of those, newest first
 */
public record CodesReport(Map<String, Long> byStatus, WaitingCode oldestWaiting, long expiredLastHour,
                          Instant lastExpiredAt, long failedLastHour, List<FinishedCode> latestProblems) {
}
