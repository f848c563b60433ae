package com.clinic.tokenworker.schedule;

import com.clinic.tokenworker.job.TokenMaintenanceJobConfiguration;
import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;
import org.springframework.batch.core.step.tasklet.TaskletStep;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Asks this process's running executions of {@code tokenMaintenanceJob} to stop claiming: the
 * execution is marked STOPPING (which the running step reads at its next commit, then ends STOPPED) and its
 * {@link StoppableTasklet}s are told directly, so they claim nothing more.
 *
 * <p>This is what {@code JobOperator.stop} does, minus two of its writes in Spring Batch 6.0: it also updates the
 * running step's row from the stopping thread, racing the step's own commit (spring-batch#5484: the loser's
 * optimistic lock fails and the step can end UNKNOWN), and it stamps an END_TIME at the moment of the request,
 * long before the in-flight calls are recorded. Here the step stays the only writer of its row, and the STOPPING
 * mark is a guarded update that never touches an execution that has already ended.
 */
@Component
public class ExecutionStopper {

    private static final Logger log = LoggerFactory.getLogger(ExecutionStopper.class);

    private final JobRepository jobRepository;
    private final JdbcClient jdbc;
    private final Job tokenMaintenanceJob;
    private final WorkerIdentity worker;

    public ExecutionStopper(JobRepository jobRepository, JdbcClient jdbc, Job tokenMaintenanceJob,
                            WorkerIdentity worker) {
        this.jobRepository = jobRepository;
        this.jdbc = jdbc;
        this.tokenMaintenanceJob = tokenMaintenanceJob;
        this.worker = worker;
    }

    /**
     * Stops every running execution launched by this process that is not in {@code alreadyAsked} (which it adds
     * them to). Executions of other processes are never touched.
     *
     * @return the ids asked to stop by this call
     */
    public List<Long> stopLocalExecutions(Set<Long> alreadyAsked) {
        List<Long> asked = new ArrayList<>();
        for (JobExecution found : jobRepository.findRunningJobExecutions(TokenMaintenanceJobConfiguration.JOB_NAME)) {
            String launchedBy = found.getJobParameters().getString(TokenMaintenanceLauncher.LAUNCHED_BY);
            if (!worker.id().equals(launchedBy) || !alreadyAsked.add(found.getId())) {
                continue;
            }
            if (markStopping(found.getId())) {
                stopTasklets(found.getId());
                log.info("asked job execution {} to stop: it claims nothing more; in-flight calls finish and are "
                        + "recorded", found.getId());
                asked.add(found.getId());
            }
        }
        return asked;
    }

    /** VERSION moves so that the running thread, which re-reads the status when the version changed, sees it. */
    private boolean markStopping(long executionId) {
        return jdbc.sql("""
                        UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STOPPING', VERSION = VERSION + 1
                        WHERE JOB_EXECUTION_ID = :id AND STATUS IN ('STARTING', 'STARTED')
                        """)
                .param("id", executionId)
                .update() == 1;
    }

    private void stopTasklets(long executionId) {
        JobExecution execution = jobRepository.getJobExecution(executionId);
        if (execution == null || !(tokenMaintenanceJob instanceof StepLocator steps)) {
            return;
        }
        for (StepExecution stepExecution : execution.getStepExecutions()) {
            if (!stepExecution.getStatus().isRunning()) {
                continue;
            }
            Step step = steps.getStep(stepExecution.getStepName());
            if (step instanceof TaskletStep taskletStep && taskletStep.getTasklet() instanceof StoppableTasklet t) {
                t.stop();
            }
        }
    }
}
