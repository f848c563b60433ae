package com.clinic.tokenworker.job;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Base of the steps that repeat claim-and-call passes until nothing is due. A stop request (SIGTERM, the end of a
 * window) lets the current pass finish, its calls recorded, and starts no new one.
 */
public abstract class StoppablePassTasklet implements StoppableTasklet, StepExecutionListener {

    protected static final String ASKED_TO_STOP = "the job was asked to stop";
    protected static final String EXCHANGE_BUDGET_SPENT = "request budget spent (TOKENWORKER_REQUESTS_PER_5MIN)";
    protected static final String REFRESH_BUDGET_SPENT = "request budget spent (TOKENWORKER_REQUESTS_PER_5MIN, less "
            + "the share kept for code exchanges)";

    protected final RequestBudget budget;
    protected final ThrottleGate throttle;
    protected final ConcurrentCalls calls;
    protected final TransactionTemplate ownTransaction;
    protected final TokenWorkerProperties properties;
    protected final WorkerIdentity worker;
    protected final Clock clock;
    private volatile boolean stopping;

    protected StoppablePassTasklet(PassResources pass) {
        this.budget = pass.budget();
        this.throttle = pass.throttle();
        this.calls = pass.calls();
        this.ownTransaction = pass.ownTransaction();
        this.properties = pass.properties();
        this.worker = pass.worker();
        this.clock = pass.clock();
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        stopping = false;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    protected boolean stopRequested() {
        return stopping;
    }

    /** Why no pass may start now because Fullscript answered 429 to some worker, if it did. */
    protected Optional<String> pausedByFullscript(Instant now) {
        return throttle.pausedUntil(now).map(until -> "Fullscript asked to slow down (429): paused until " + until);
    }

    /** A repository's claim: up to {@code limit} due rows leased to {@code owner} until {@code now + lease}. */
    @FunctionalInterface
    protected interface ClaimQuery<T> {
        List<T> claim(String owner, Instant now, Duration lease, int limit);
    }

    /**
     * Claims the rows of one pass with the {@code permits} already taken from the budget, in a transaction of its
     * own so the leases are visible to every other worker before any call is made; gives back the permits no row
     * needed and counts the claimed rows as read.
     */
    protected <T> List<T> claimPass(ClaimQuery<T> query, Instant now, int permits, StepContribution contribution) {
        List<T> claimed = ownTransaction.execute(tx -> query.claim(worker.id(), now, properties.lease(), permits));
        budget.giveBack(permits - claimed.size());
        for (int i = 0; i < claimed.size(); i++) {
            contribution.incrementReadCount();
        }
        return claimed;
    }
}
