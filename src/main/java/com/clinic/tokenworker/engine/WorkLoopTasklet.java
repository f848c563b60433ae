package com.clinic.tokenworker.engine;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The tasklet of every claiming step: a {@link WorkLoop} over the step's {@link WorkRules}. A stop request (SIGTERM,
 * the end of a window) lets the calls in flight finish and be recorded, and starts no new one.
 */
public final class WorkLoopTasklet<T extends Claimed, O extends Outcome, E extends Enum<E>>
        implements StoppableTasklet, StepExecutionListener {

    private final WorkRules<T, O, E> rules;
    private final WorkResources resources;
    private volatile boolean stopping;
    private volatile WorkLoop<T, O, E> loop;

    public WorkLoopTasklet(WorkRules<T, O, E> rules, WorkResources resources) {
        this.rules = rules;
        this.resources = resources;
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        stopping = false;
        loop = new WorkLoop<>(rules, resources, stepExecution);
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        return loop.runSlice(contribution, () -> stopping);
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        try {
            return loop.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stepExecution.getExitStatus();
        }
    }
}
