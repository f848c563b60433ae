package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.exchange.FullscriptCredentialsRejectedException;
import com.clinic.tokenworker.job.PassResources;
import com.clinic.tokenworker.job.StoppablePassTasklet;
import com.clinic.tokenworker.token.LeasedToken;
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
 * The {@code refreshTokens} step. Each pass: take permits from the shared budget (leaving the exchanges their
 * reserve), claim that many REFRESH_DUE tokens, earliest expiry first (committed at once), refresh them all
 * concurrently and record each outcome as soon as it arrives. Passes repeat until nothing is due, the budget is
 * spent, Fullscript asked us to pause, the step has used its share of TOKENWORKER_MAX_RUN_DURATION, or the job is
 * stopped. With TOKENWORKER_REFRESH_ENABLED=false it does nothing: the tokens stay flagged for an external
 * pipeline.
 *
 * <p>Counts: READ_COUNT = tokens claimed, WRITE_COUNT = tokens refreshed, FILTER_COUNT = claimed tokens that ended
 * otherwise; the execution context and exit description break those down (see {@link RefreshTally}).
 */
public class RefreshTokensTasklet extends StoppablePassTasklet {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokensTasklet.class);
    static final String STOPPED_BECAUSE = "refresh.stopped_because";
    static final String DISABLED = "refresh.disabled";
    private static final String STARTED_AT = "refresh.started_at";

    private final DueTokenRepository tokens;
    private final TokenRefresher refresher;
    private final RefreshOutcomeRecorder recorder;

    public RefreshTokensTasklet(DueTokenRepository tokens, TokenRefresher refresher, RefreshOutcomeRecorder recorder,
                                PassResources pass) {
        super(pass);
        this.tokens = tokens;
        this.refresher = refresher;
        this.recorder = recorder;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        if (!properties.refreshEnabled()) {
            context.putString(DISABLED, "TOKENWORKER_REFRESH_ENABLED=false: due tokens stay REFRESH_DUE for an "
                    + "external pipeline");
            return RepeatStatus.FINISHED;
        }
        Instant now = clock.instant();
        boolean firstPass = !context.containsKey(STARTED_AT);
        if (firstPass) {
            context.putString(STARTED_AT, now.toString());
        }
        Optional<String> stopReason = reasonToStop(context, now, firstPass);
        if (stopReason.isPresent()) {
            context.putString(STOPPED_BECAUSE, stopReason.get());
            return RepeatStatus.FINISHED;
        }
        int permits = budget.acquireForRefreshes(properties.concurrency());
        if (permits == 0) {
            context.putString(STOPPED_BECAUSE, REFRESH_BUDGET_SPENT);
            return RepeatStatus.FINISHED;
        }
        List<LeasedToken> claimed = claimPass(tokens::claim, now, permits, contribution);
        if (claimed.isEmpty()) {
            return RepeatStatus.FINISHED;
        }
        List<Result> results = calls.each(claimed, token -> {
            RefreshOutcome outcome = refresher.refresh(token);
            return new Result(outcome, recorder.record(token, outcome));
        });
        warnAboutHeldBack(claimed, results);
        Optional<RefreshOutcome.CredentialsRejected> refused = Optional.empty();
        int callsNotMade = 0;
        for (Result result : results) {
            result.tally().add(context, 1);
            if (result.tally() == RefreshTally.REFRESHED) {
                contribution.incrementWriteCount(1);
            } else {
                contribution.incrementFilterCount(1);
            }
            if (result.tally() == RefreshTally.NOT_SENT || result.tally() == RefreshTally.HELD_BACK) {
                callsNotMade++;
            }
            if (result.outcome() instanceof RefreshOutcome.CredentialsRejected rejected) {
                refused = Optional.of(rejected);
            }
        }
        budget.giveBack(callsNotMade);
        if (refused.isPresent()) {
            throw new FullscriptCredentialsRejectedException(refused.get().region(), refused.get().requestId(),
                    "Tokens not yet refreshed were left REFRESH_DUE.");
        }
        // A pass that sent nothing would claim the same rows again at once: leave them to the next run.
        return callsNotMade == claimed.size() ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
    }

    private Optional<String> reasonToStop(ExecutionContext context, Instant now, boolean firstPass) {
        if (stopRequested()) {
            return Optional.of(ASKED_TO_STOP);
        }
        // Tokens left now are due in the next run, while a run that overstays is taken for dead. The first pass
        // always goes ahead, so that no configuration can keep the step from ever refreshing anything.
        Instant mustEndBy = Instant.parse(context.getString(STARTED_AT)).plus(properties.maxRunDuration());
        if (!firstPass && !now.plus(properties.requestTimeout()).isBefore(mustEndBy)) {
            return Optional.of("TOKENWORKER_MAX_RUN_DURATION (" + properties.maxRunDuration() + ") nearly used up");
        }
        return pausedByFullscript(now);
    }

    private record Result(RefreshOutcome outcome, RefreshTally tally) {
    }

    /** One line per pass, not per token: a missing key holds back every token it encrypted. */
    private static void warnAboutHeldBack(List<LeasedToken> claimed, List<Result> results) {
        int count = 0;
        String example = null;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).outcome() instanceof RefreshOutcome.HeldBack held) {
                count++;
                if (example == null) {
                    example = claimed.get(i).describe() + ": " + held.reason();
                }
            }
        }
        if (count > 0) {
            log.warn("{} token(s) cannot be refreshed by this worker until its configuration changes; they are looked"
                    + " at again in {}. First: {}", count, RefreshRetryPolicy.HOLD_BACK, example);
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        String summary = context.containsKey(DISABLED) ? "disabled: " + context.getString(DISABLED)
                : RefreshTally.summary(context)
                + (context.containsKey(STOPPED_BECAUSE) ? "; stopped early: " + context.getString(STOPPED_BECAUSE)
                : "");
        log.info("refreshTokens: {}", summary);
        return stepExecution.getExitStatus().addExitDescription(summary);
    }
}
