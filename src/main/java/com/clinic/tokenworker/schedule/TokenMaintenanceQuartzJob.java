package com.clinic.tokenworker.schedule;

import com.clinic.tokenworker.job.TokenMaintenanceLauncher;
import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;

/**
 * What the trigger fires: one synchronous execution of {@code tokenMaintenanceJob}, its parameters derived from
 * the scheduled fire time. {@link DisallowConcurrentExecution} holds across the cluster (the JDBC job store
 * blocks the trigger while any node runs the job), so two runs never overlap and a run longer than the interval
 * delays the next fire instead of doubling up. Created per fire by Spring's job factory, hence the injection.
 */
@DisallowConcurrentExecution
public class TokenMaintenanceQuartzJob implements Job {

    private static final Logger log = LoggerFactory.getLogger(TokenMaintenanceQuartzJob.class);

    private final TokenMaintenanceLauncher launcher;
    private final StaleExecutionRecovery recovery;
    private final LocalLaunches launches;

    public TokenMaintenanceQuartzJob(TokenMaintenanceLauncher launcher, StaleExecutionRecovery recovery,
                                     LocalLaunches launches) {
        this.launcher = launcher;
        this.recovery = recovery;
        this.launches = launches;
    }

    @Override
    public void execute(JobExecutionContext context) {
        Instant fireTime = context.getScheduledFireTime().toInstant();
        if (!launches.begin()) {
            log.info("trigger of {} not launched: this node is stopping", fireTime);
            return;
        }
        try {
            // A long-lived daemon also tidies up after a CronJob pod killed meanwhile, not only at its own start.
            recovery.recoverStaleExecutions();
            JobExecution execution = launcher.launch(fireTime);
            launches.finished(execution);
        } catch (Exception e) {
            // Not rethrown: Quartz would only log it again; the next fire tries anew.
            log.error("launch of tokenMaintenanceJob for {} failed: {}", fireTime, e.toString());
            launches.failedToLaunch(e);
        }
    }
}
