package com.clinic.tokenworker.simulator;

import java.util.Map;

/** A point-in-time view of the counters, served at {@code GET /simulator/stats}. Holds no codes or tokens. */
public record SimulatorStats(
        long tokenRequests,
        long revokeRequests,
        long staleRefreshTokenUses,
        int codesSentMoreThanOnce,
        long droppedResponses,
        int codesMinted,
        int activeGrants,
        Map<String, Long> faultsInjected,
        Map<String, Long> responsesByStatus) {
}
