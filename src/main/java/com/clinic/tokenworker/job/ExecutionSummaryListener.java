package com.clinic.tokenworker.job;

import com.clinic.tokenworker.engine.RejectedCredentials;
import com.clinic.tokenworker.exchange.FullscriptCredentialsRejectedException;
import com.clinic.tokenworker.fullscript.Region;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * The end of every execution: a run in which Fullscript refused a region's credentials ends FAILED with the
 * credentials exit code, though the other region's work went on; then one INFO line with the figures that are
 * also in the job tables.
 */
@Component
public class ExecutionSummaryListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ExecutionSummaryListener.class);

    @Override
    public void afterJob(JobExecution execution) {
        failIfCredentialsWereRejected(execution);
        Duration took = execution.getStartTime() == null || execution.getEndTime() == null ? Duration.ZERO
                : Duration.between(execution.getStartTime(), execution.getEndTime());
        String steps = execution.getStepExecutions().stream()
                .map(s -> s.getStepName() + "[" + s.getStatus() + " read=" + s.getReadCount() + " write="
                        + s.getWriteCount() + " filter=" + s.getFilterCount() + "]")
                .collect(Collectors.joining(" "));
        log.info("{} execution {} {} in {} ms: {}", execution.getJobInstance().getJobName(), execution.getId(),
                execution.getStatus(), took.toMillis(), steps);
    }

    private static void failIfCredentialsWereRejected(JobExecution execution) {
        Map<Region, Optional<String>> rejected = RejectedCredentials.of(execution.getExecutionContext()).asMap();
        if (rejected.isEmpty()) {
            return;
        }
        rejected.forEach((region, requestId) -> execution.addFailureException(
                new FullscriptCredentialsRejectedException(region, requestId, "Its codes stay PENDING and its "
                        + "tokens REFRESH_DUE or REVOKE_REQUESTED until the credentials are fixed; the other "
                        + "region's work went on.")));
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            execution.setStatus(BatchStatus.FAILED);
            execution.setExitStatus(new ExitStatus(RejectedCredentials.EXIT_CODE, "Fullscript rejected the client "
                    + "credentials of region " + rejected.keySet().stream().map(Region::code)
                    .collect(Collectors.joining(", ")) + "; every other step and region went on"));
        }
    }
}
