package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.job.ConcurrentCalls;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code revokeTokens} step of {@code tokenMaintenanceJob}. */
@Configuration(proxyBeanMethods = false)
public class RevocationStepConfiguration {

    public static final String REVOKE_STEP = "revokeTokens";

    @Bean
    RevokeTokensTasklet revokeTokensTasklet(RevocationRepository revocations, TokenRevoker revoker,
                                            RevocationRecorder recorder, RequestBudget budget, ThrottleGate throttle,
                                            ConcurrentCalls concurrentCalls, TransactionTemplate ownTransaction,
                                            TokenWorkerProperties properties, WorkerIdentity worker, Clock clock) {
        return new RevokeTokensTasklet(revocations, revoker, recorder, budget, throttle, concurrentCalls,
                ownTransaction, properties, worker, clock);
    }

    @Bean
    Step revokeTokens(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                      RevokeTokensTasklet tasklet) {
        return new StepBuilder(REVOKE_STEP, jobRepository)
                .tasklet(tasklet, transactionManager)
                .listener(tasklet)
                .build();
    }
}
