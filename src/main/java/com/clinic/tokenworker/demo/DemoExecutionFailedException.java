package com.clinic.tokenworker.demo;

import java.util.List;
import org.springframework.batch.core.job.JobExecution;

/** An execution of the demo did not complete: with fake Fullscript servers that is a bug, not bad luck. */
public class DemoExecutionFailedException extends RuntimeException {

    private final transient List<Throwable> failures;

    public DemoExecutionFailedException(JobExecution execution) {
        super("execution " + execution.getId() + " of " + execution.getJobInstance().getJobName() + " ended "
                + execution.getStatus() + ": " + execution.getExitStatus().getExitDescription(),
                execution.getAllFailureExceptions().stream().findFirst().orElse(null));
        this.failures = List.copyOf(execution.getAllFailureExceptions());
    }

    public List<Throwable> failures() {
        return failures;
    }
}
