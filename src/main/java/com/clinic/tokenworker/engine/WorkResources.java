package com.clinic.tokenworker.engine;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the loop draws on, the same for every step: the shared request budget and 429 pause, the
 * TOKENWORKER_CONCURRENCY call threads, a transaction of its own for claims and outcomes, the settings, this
 * process's identity for leases, the clock, the events other parts listen to, and the timer that starts the next
 * attempt to store a granted token.
 */
public record WorkResources(
        RequestBudget budget,
        ThrottleGate throttle,
        ExecutorService calls,
        TransactionTemplate ownTransaction,
        TokenWorkerProperties properties,
        WorkerIdentity worker,
        Clock clock,
        ApplicationEventPublisher events,
        RetryTimer retryTimer) {
}
