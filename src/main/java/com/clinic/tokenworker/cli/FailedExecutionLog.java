package com.clinic.tokenworker.cli;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * One ERROR line per failure of an execution, saying what to fix, in place of Spring Batch's own "Encountered an
 * error executing step" with its stack trace (turned off in logging.WorkerLogConfigurator): a rejected client
 * secret was some fifty lines. The trace is logged at DEBUG. Attached to every job of the context, for
 * {@code run}, {@code daemon} and {@code run --window} alike.
 */
@Component
class FailedExecutionLog implements BeanPostProcessor, JobExecutionListener, Ordered {

    private static final Logger log = LoggerFactory.getLogger(FailedExecutionLog.class);

    private final DatabaseAddress database;

    FailedExecutionLog(TokenWorkerProperties properties) {
        this.database = DatabaseAddress.of(properties, Map.of());
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof AbstractJob job) {
            job.registerJobExecutionListener(this);
        }
        return bean;
    }

    /**
     * Spring Batch calls afterJob in the reverse of listener order: first in order, this runs last, after
     * {@code ExecutionSummaryListener} has turned a region held back for refused credentials into a failure.
     */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void afterJob(JobExecution execution) {
        Set<Throwable> reported = Collections.newSetFromMap(new IdentityHashMap<>());
        for (StepExecution step : execution.getStepExecutions()) {
            report(execution, "step " + step.getStepName(), step.getFailureExceptions(), reported);
        }
        report(execution, "the job", execution.getFailureExceptions(), reported);
    }

    private void report(JobExecution execution, String where, List<Throwable> failures, Set<Throwable> reported) {
        for (Throwable failure : failures) {
            if (!reported.add(failure)) {
                continue;
            }
            if (failure instanceof JobInterruptedException) {
                // SIGTERM or a stop request: the documented way to stop, exit 0, so not an error.
                log.info("{} execution {}: {} stopped as asked; its calls in flight were recorded",
                        execution.getJobInstance().getJobName(), execution.getId(), where);
                continue;
            }
            ExitCode code = FailureClassifier.classify(List.of(failure));
            log.error("{} execution {}: {} failed (exit {}): {}", execution.getJobInstance().getJobName(),
                    execution.getId(), where, code.code(), FailureClassifier.explain(code, failure, database));
            log.debug("stack trace of the failure above", failure);
        }
    }
}
