package com.clinic.tokenworker.job;

import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.stereotype.Component;

/**
 * Launches one execution of {@code tokenMaintenanceJob}. Each launch is a new job instance, identified by its fire
 * time, the launching process and that process's launch count: no incrementer whose {@code run.id} two
 * overlapping processes could both take, and a killed execution left STARTED never blocks the next launch.
 */
@Component
public class TokenMaintenanceLauncher {

    public static final String FIRE_TIME = "fireTime";
    public static final String LAUNCHED_BY = "launchedBy";
    public static final String LAUNCH_NUMBER = "launchNumber";

    private final JobOperator jobOperator;
    private final Job tokenMaintenanceJob;
    private final WorkerIdentity worker;
    private final AtomicLong launches = new AtomicLong();

    public TokenMaintenanceLauncher(JobOperator jobOperator, Job tokenMaintenanceJob, WorkerIdentity worker) {
        this.jobOperator = jobOperator;
        this.tokenMaintenanceJob = tokenMaintenanceJob;
        this.worker = worker;
    }

    /** Runs the job synchronously and returns its finished execution. */
    public JobExecution launch(Instant fireTime) throws Exception {
        JobParameters parameters = new JobParametersBuilder()
                .addString(FIRE_TIME, fireTime.toString())
                .addString(LAUNCHED_BY, worker.id())
                .addLong(LAUNCH_NUMBER, launches.incrementAndGet())
                .toJobParameters();
        return jobOperator.start(tokenMaintenanceJob, parameters);
    }
}
