package com.clinic.tokenworker.exchange;

import com.clinic.tokenworker.job.PassResources;
import com.clinic.tokenworker.job.StoppablePassTasklet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The {@code exchangeCodes} step. Each pass: expire what is overdue, take permits from the shared budget, claim
 * that many due codes (committed at once, so the leases are visible to every other worker), call Fullscript for
 * all of them concurrently, and record each outcome as soon as it arrives. Passes repeat until no due code is
 * left, the budget is spent, Fullscript asked us to pause, or the job is stopped.
 *
 * <p>Counts: READ_COUNT = codes claimed, WRITE_COUNT = codes exchanged, FILTER_COUNT = claimed codes that ended
 * otherwise; the execution context and exit description break those down (see {@link ExchangeTally}).
 */
public class ExchangeCodesTasklet extends StoppablePassTasklet {

    private static final Logger log = LoggerFactory.getLogger(ExchangeCodesTasklet.class);
    static final String EXPIRED_WITHOUT_CALL = "exchange.expired_without_call";
    static final String STOPPED_BECAUSE = "exchange.stopped_because";

    private final PendingCodeRepository codes;
    private final CodeExchanger exchanger;
    private final ExchangeOutcomeRecorder recorder;

    public ExchangeCodesTasklet(PendingCodeRepository codes, CodeExchanger exchanger, ExchangeOutcomeRecorder recorder,
                                PassResources pass) {
        super(pass);
        this.codes = codes;
        this.exchanger = exchanger;
        this.recorder = recorder;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        if (stopRequested()) {
            context.putString(STOPPED_BECAUSE, ASKED_TO_STOP);
            return RepeatStatus.FINISHED;
        }
        Instant now = clock.instant();
        Integer overdue = ownTransaction.execute(tx -> codes.expireOverdue(now));
        if (overdue != null && overdue > 0) {
            ExchangeTally.EXPIRED.add(context, overdue);
            context.putLong(EXPIRED_WITHOUT_CALL, context.getLong(EXPIRED_WITHOUT_CALL, 0L) + overdue);
        }
        Optional<String> paused = pausedByFullscript(now);
        if (paused.isPresent()) {
            context.putString(STOPPED_BECAUSE, paused.get());
            return RepeatStatus.FINISHED;
        }
        int permits = budget.acquireForExchanges(properties.concurrency());
        if (permits == 0) {
            context.putString(STOPPED_BECAUSE, EXCHANGE_BUDGET_SPENT);
            return RepeatStatus.FINISHED;
        }
        List<ClaimedCode> claimed = claimPass(codes::claim, now, permits, contribution);
        if (claimed.isEmpty()) {
            return RepeatStatus.FINISHED;
        }
        List<ExchangeOutcome> outcomes = calls.each(claimed, code -> {
            ExchangeOutcome outcome = exchanger.exchange(code);
            return recorder.record(code, outcome);
        });
        Optional<ExchangeOutcome.CredentialsRejected> refused = Optional.empty();
        for (ExchangeOutcome outcome : outcomes) {
            ExchangeTally tally = ExchangeTally.of(outcome);
            tally.add(context, 1);
            if (tally == ExchangeTally.EXCHANGED) {
                contribution.incrementWriteCount(1);
            } else {
                contribution.incrementFilterCount(1);
            }
            if (outcome instanceof ExchangeOutcome.CredentialsRejected rejected) {
                refused = Optional.of(rejected);
            }
        }
        if (refused.isPresent()) {
            throw new FullscriptCredentialsRejectedException(refused.get().region(), refused.get().requestId());
        }
        return RepeatStatus.CONTINUABLE;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        String summary = ExchangeTally.summary(context) + " (expired without a call: "
                + context.getLong(EXPIRED_WITHOUT_CALL, 0L) + ")"
                + (context.containsKey(STOPPED_BECAUSE) ? "; stopped early: " + context.getString(STOPPED_BECAUSE) : "");
        log.info("exchangeCodes: {}", summary);
        return stepExecution.getExitStatus().addExitDescription(summary);
    }
}
