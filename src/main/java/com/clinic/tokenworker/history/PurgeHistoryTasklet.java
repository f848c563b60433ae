package com.clinic.tokenworker.history;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.status.BatchTime;
import java.time.Clock;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code purgeHistory} step, last in {@code tokenMaintenanceJob}: deletes what is older than
 * TOKENWORKER_HISTORY_RETENTION (final codes, REVOKED tokens, then ended job executions), each kind in a
 * transaction of its own and at most one batch of each per run (see {@link #CODES_PER_RUN} and
 * {@link #EXECUTIONS_PER_RUN}); a backlog goes over the following runs.
 *
 * <p>WRITE_COUNT = job executions + codes + tokens deleted; the exit description and execution context break it
 * down (see {@link PurgeTally}), with the step executions and instances that went with the executions.
 *
 * <p>Not a StoppableTasklet: a run's share takes a fraction of a second, so a stop request (SIGTERM, the end of a
 * window) lets it finish, as Batch would not start it once the execution is STOPPING.
 */
public class PurgeHistoryTasklet implements Tasklet, StepExecutionListener {

    /**
     * A daemon at PT15S adds one execution per run, so 1,000 per run clears a year of history (about 2.1 million
     * executions) within a day of runs while a steady state needs one. Measured on tables holding 180,000
     * executions: 1,000 executions (about 16,000 rows with their steps, contexts and parameters) take about 90 ms.
     */
    static final int EXECUTIONS_PER_RUN = 1_000;

    /** A code row has nothing hanging from it, about ten times cheaper: 10,000 take about 55 ms. */
    static final int CODES_PER_RUN = 10_000;

    /** At most one REVOKED row per user and region: few, and each clears at most a code's token_id. */
    static final int REVOKED_TOKENS_PER_RUN = 1_000;

    static final String CUTOFF = "purge.cutoff";
    private static final Logger log = LoggerFactory.getLogger(PurgeHistoryTasklet.class);

    private final FinalCodePurge codes;
    private final RevokedTokenPurge tokens;
    private final JobHistoryPurge executions;
    private final TransactionTemplate ownTransaction;
    private final TokenWorkerProperties properties;
    private final Clock clock;
    private final BatchTime batchTime;

    public PurgeHistoryTasklet(FinalCodePurge codes, RevokedTokenPurge tokens, JobHistoryPurge executions,
                               TransactionTemplate ownTransaction, TokenWorkerProperties properties, Clock clock,
                               BatchTime batchTime) {
        this.codes = codes;
        this.tokens = tokens;
        this.executions = executions;
        this.ownTransaction = ownTransaction;
        this.properties = properties;
        this.clock = clock;
        this.batchTime = batchTime;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        RetentionCutoff before = RetentionCutoff.of(clock, properties.historyRetention(), batchTime);
        context.putString(CUTOFF, "older than " + before.instant() + " (TOKENWORKER_HISTORY_RETENTION "
                + before.retentionText() + ")");
        // Codes first: a REVOKED token's codes finished before it was revoked, so they are mostly gone by the time
        // the token goes, and its delete rarely has codes to update.
        int purgedCodes = inOwnTransaction(() -> codes.purge(before.instant(), CODES_PER_RUN));
        PurgeTally.CODES.add(context, purgedCodes);
        int purgedTokens = inOwnTransaction(() -> tokens.purge(before.instant(), REVOKED_TOKENS_PER_RUN));
        PurgeTally.REVOKED_TOKENS.add(context, purgedTokens);
        PurgedExecutions purged = ownTransaction.execute(
                tx -> executions.purge(before.batchTime(), EXECUTIONS_PER_RUN));
        PurgeTally.JOB_EXECUTIONS.add(context, purged.executions());
        PurgeTally.STEP_EXECUTIONS.add(context, purged.stepExecutions());
        PurgeTally.JOB_INSTANCES.add(context, purged.instances());
        contribution.incrementWriteCount(purgedCodes + purgedTokens + purged.executions());
        return RepeatStatus.FINISHED;
    }

    private int inOwnTransaction(IntSupplier purge) {
        Integer purged = ownTransaction.execute(tx -> purge.getAsInt());
        return purged == null ? 0 : purged;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        ExecutionContext context = stepExecution.getExecutionContext();
        String summary = PurgeTally.summary(context)
                + (context.containsKey(CUTOFF) ? "; " + context.getString(CUTOFF) : "")
                + boundsReached(context);
        log.info("purgeHistory: {}", summary);
        return stepExecution.getExitStatus().addExitDescription(summary);
    }

    /** Says so when a run hit a bound: more may be waiting, and the next runs continue. */
    private static String boundsReached(ExecutionContext context) {
        StringBuilder reached = new StringBuilder();
        appendIfReached(reached, PurgeTally.CODES, CODES_PER_RUN, context);
        appendIfReached(reached, PurgeTally.REVOKED_TOKENS, REVOKED_TOKENS_PER_RUN, context);
        appendIfReached(reached, PurgeTally.JOB_EXECUTIONS, EXECUTIONS_PER_RUN, context);
        return reached.isEmpty() ? "" : "; at the per-run bound (" + reached + "): the next runs go on";
    }

    private static void appendIfReached(StringBuilder reached, PurgeTally tally, int bound, ExecutionContext context) {
        if (tally.get(context) >= bound) {
            reached.append(reached.isEmpty() ? "" : ", ").append(tally.label()).append(' ').append(bound);
        }
    }
}
