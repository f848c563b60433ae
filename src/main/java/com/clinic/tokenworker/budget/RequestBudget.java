package com.clinic.tokenworker.budget;

import java.util.OptionalLong;

/**
 * The worker's share of Fullscript's per-app rate limit, shared by every worker process. Permits are taken
 * before a call is made and never block: what cannot be had now waits for a later pass.
 */
public interface RequestBudget {

    /** Takes up to {@code wanted} permits for code exchanges; returns how many were granted (maybe 0). */
    int acquireForExchanges(int wanted);

    /**
     * Takes up to {@code wanted} permits for refreshes and revocations, leaving a reserve for code exchanges,
     * whose 10-minute deadline is hard while a refresh can wait for the next run.
     */
    int acquireForRefreshes(int wanted);

    /** Returns permits taken but not used (fewer rows were due than permits taken). */
    void giveBack(int unused);

    /** Permits that could be taken right now by all workers together (for the metrics); empty if not known. */
    default OptionalLong available() {
        return OptionalLong.empty();
    }
}
