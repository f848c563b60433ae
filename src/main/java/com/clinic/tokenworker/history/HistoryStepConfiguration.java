package com.clinic.tokenworker.history;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.job.TaskletSteps;
import com.clinic.tokenworker.status.BatchTime;
import java.time.Clock;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code purgeHistory} step of {@code tokenMaintenanceJob}. */
@Configuration(proxyBeanMethods = false)
public class HistoryStepConfiguration {

    public static final String PURGE_STEP = "purgeHistory";

    @Bean
    PurgeHistoryTasklet purgeHistoryTasklet(FinalCodePurge codes, RevokedTokenPurge tokens, JobHistoryPurge executions,
                                            TransactionTemplate ownTransaction, TokenWorkerProperties properties,
                                            Clock clock) {
        return new PurgeHistoryTasklet(codes, tokens, executions, ownTransaction, properties, clock,
                BatchTime.ofThisJvm());
    }

    @Bean
    Step purgeHistory(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                      PurgeHistoryTasklet tasklet) {
        return TaskletSteps.step(PURGE_STEP, jobRepository, transactionManager, tasklet);
    }
}
