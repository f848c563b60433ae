package com.clinic.tokenworker.job;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What every pass of a claiming step (exchange, refresh, revocation) draws on: the shared request budget and 429
 * pause, the call threads, a transaction of its own for claims, the settings, this process's identity for
 * leases, and the clock.
 */
public record PassResources(
        RequestBudget budget,
        ThrottleGate throttle,
        ConcurrentCalls calls,
        TransactionTemplate ownTransaction,
        TokenWorkerProperties properties,
        WorkerIdentity worker,
        Clock clock) {
}
