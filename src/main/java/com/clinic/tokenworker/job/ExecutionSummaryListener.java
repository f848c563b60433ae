package com.clinic.tokenworker.job;

import java.time.Duration;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/** One INFO line per execution with the figures that are also in the job tables. */
@Component
public class ExecutionSummaryListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ExecutionSummaryListener.class);

    @Override
    public void afterJob(JobExecution execution) {
        Duration took = execution.getStartTime() == null || execution.getEndTime() == null ? Duration.ZERO
                : Duration.between(execution.getStartTime(), execution.getEndTime());
        String steps = execution.getStepExecutions().stream()
                .map(s -> s.getStepName() + "[" + s.getStatus() + " read=" + s.getReadCount() + " write="
                        + s.getWriteCount() + " filter=" + s.getFilterCount() + "]")
                .collect(Collectors.joining(" "));
        log.info("{} execution {} {} in {} ms: {}", execution.getJobInstance().getJobName(), execution.getId(),
                execution.getStatus(), took.toMillis(), steps);
    }
}
