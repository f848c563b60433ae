package com.clinic.tokenworker.metrics;

import com.clinic.tokenworker.exchange.CodeStatus;
import com.clinic.tokenworker.token.TokenStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the database says about the whole deployment at one moment (every worker shares these rows), read for the
 * gauges. Instants rather than ages, so the ages are measured with the worker's clock at scrape time.
 *
 * @param oldestWaitingReceivedAt receipt of the oldest PENDING or EXCHANGING code, if any
 * @param lastCompletedAt         end of the latest COMPLETED tokenMaintenanceJob execution, if any
 * @param pausedUntil             end of the shared 429 pause (in the past when there is none)
 * @param budgetAvailable         request permits that could be taken now, when the budget can tell
 */
public record WorkerSnapshot(Map<CodeStatus, Long> codes, Optional<Instant> oldestWaitingReceivedAt,
                             Map<TokenStatus, Long> tokens, Optional<Instant> lastCompletedAt,
                             Optional<Instant> pausedUntil, OptionalLong budgetAvailable) {
}
