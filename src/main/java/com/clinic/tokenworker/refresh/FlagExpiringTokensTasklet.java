package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.config.RefreshPolicy;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.time.Clock;
import java.time.Instant;
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
 * The {@code flagExpiringTokens} step: ACTIVE tokens expiring within the margin become REFRESH_DUE (see
 * {@link ExpiringTokenFlagger}), in batches that each commit on their own. Runs whether or not the built-in
 * refresh is enabled: the flag is also the contract for an external pipeline. WRITE_COUNT = tokens newly flagged;
 * a token already flagged is not counted again.
 */
public class FlagExpiringTokensTasklet implements Tasklet, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(FlagExpiringTokensTasklet.class);
    static final String FLAGGED = "flag.flagged";

    private final ExpiringTokenFlagger flagger;
    private final TransactionTemplate ownTransaction;
    private final TokenWorkerProperties properties;
    private final Clock clock;

    public FlagExpiringTokensTasklet(ExpiringTokenFlagger flagger, TransactionTemplate ownTransaction,
                                     TokenWorkerProperties properties, Clock clock) {
        this.flagger = flagger;
        this.ownTransaction = ownTransaction;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        Instant now = clock.instant();
        Integer flagged = ownTransaction.execute(tx -> flagger.flagBatch(now, properties));
        int count = flagged == null ? 0 : flagged;
        contribution.incrementWriteCount(count);
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        context.putLong(FLAGGED, context.getLong(FLAGGED, 0L) + count);
        return count < ExpiringTokenFlagger.BATCH ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        String summary = "flagged=" + stepExecution.getExecutionContext().getLong(FLAGGED, 0L) + " (margin "
                + properties.refreshMargin() + ", policy " + properties.refreshPolicy().value()
                + (properties.refreshPolicy() == RefreshPolicy.RECENTLY_USED
                ? " within " + properties.refreshActiveWithin() : "") + ")";
        log.info("flagExpiringTokens: {}", summary);
        return stepExecution.getExitStatus().addExitDescription(summary);
    }
}
