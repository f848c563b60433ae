package com.clinic.tokenworker.job;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.transaction.PlatformTransactionManager;

/** The shape of every step of tokenMaintenanceJob: one tasklet that also writes its own summary after the step. */
public final class TaskletSteps {

    private TaskletSteps() {
    }

    public static <T extends Tasklet & StepExecutionListener> Step step(String name, JobRepository jobRepository,
                                                                        PlatformTransactionManager transactionManager,
                                                                        T tasklet) {
        return new StepBuilder(name, jobRepository)
                .tasklet(tasklet, transactionManager)
                .listener(tasklet)
                .build();
    }
}
