package com.clinic.tokenworker.demo;

/**
 * The demo's codes by status, as {@code oauth_pending_code} holds them right now.
 *
 * @param retrying PENDING rows that already had a call: waiting for their retry
 * @param retried  rows that needed more than one call (any status)
 */
public record CodeCounts(int total, int pending, int exchanging, int exchanged, int expired, int failed,
                         int retrying, int retried) {

    /** Not final yet: the worker still has to act on them. */
    public int waiting() {
        return pending + exchanging;
    }

    public int settled() {
        return exchanged + expired + failed;
    }
}
