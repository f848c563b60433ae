package com.clinic.tokenworker.revocation;

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
 * The {@code revokeTokens} step, after {@code refreshTokens}: rows the application set to REVOKE_REQUESTED are
 * revoked at Fullscript, their tokens wiped, and become REVOKED. It runs whatever TOKENWORKER_REFRESH_ENABLED
 * says: an external refresh pipeline does not make the application's revocation requests go away. Revocations
 * draw on the refresh share of the budget, so code exchanges keep their reserve.
 *
 * <p>Counts: READ_COUNT = rows claimed, WRITE_COUNT = rows revoked, FILTER_COUNT = the others (see
 * {@link RevocationTally}).
 */
public class RevokeTokensTasklet extends StoppablePassTasklet {

    private static final Logger log = LoggerFactory.getLogger(RevokeTokensTasklet.class);
    static final String STOPPED_BECAUSE = "revoke.stopped_because";

    private final RevocationRepository revocations;
    private final TokenRevoker revoker;
    private final RevocationRecorder recorder;

    public RevokeTokensTasklet(RevocationRepository revocations, TokenRevoker revoker, RevocationRecorder recorder,
                               PassResources pass) {
        super(pass);
        this.revocations = revocations;
        this.revoker = revoker;
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
        Optional<String> paused = pausedByFullscript(now);
        if (paused.isPresent()) {
            context.putString(STOPPED_BECAUSE, paused.get());
            return RepeatStatus.FINISHED;
        }
        int permits = budget.acquireForRefreshes(properties.concurrency());
        if (permits == 0) {
            context.putString(STOPPED_BECAUSE, REFRESH_BUDGET_SPENT);
            return RepeatStatus.FINISHED;
        }
        List<LeasedToken> claimed = claimPass(revocations::claim, now, permits, contribution);
        if (claimed.isEmpty()) {
            return RepeatStatus.FINISHED;
        }
        Optional<RevocationOutcome.CredentialsRejected> refused = Optional.empty();
        int progressed = 0;
        int callsNotMade = 0;
        List<Result> results = calls.each(claimed, token -> {
            RevocationOutcome outcome = revoker.revoke(token);
            return new Result(outcome, recorder.record(token, outcome));
        });
        for (Result result : results) {
            result.tally().add(context, 1);
            if (result.tally() == RevocationTally.REVOKED) {
                contribution.incrementWriteCount(1);
            } else {
                contribution.incrementFilterCount(1);
            }
            if (result.tally() == RevocationTally.REVOKED || result.tally() == RevocationTally.RETRIED) {
                progressed++;
            }
            if (result.tally() == RevocationTally.HELD_BACK || result.tally() == RevocationTally.NOT_SENT) {
                callsNotMade++;
            }
            if (result.outcome() instanceof RevocationOutcome.CredentialsRejected rejected) {
                refused = Optional.of(rejected);
            }
        }
        budget.giveBack(callsNotMade);
        if (refused.isPresent()) {
            throw new FullscriptCredentialsRejectedException(refused.get().region(), refused.get().requestId(),
                    "Rows not yet revoked were left REVOKE_REQUESTED.");
        }
        // A pass that changed nothing would claim the same rows again at once: leave them to the next run.
        return progressed == 0 ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
    }

    private record Result(RevocationOutcome outcome, RevocationTally tally) {
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        String summary = RevocationTally.summary(context)
                + (context.containsKey(STOPPED_BECAUSE) ? "; stopped early: " + context.getString(STOPPED_BECAUSE)
                : "");
        log.info("revokeTokens: {}", summary);
        return stepExecution.getExitStatus().addExitDescription(summary);
    }
}
