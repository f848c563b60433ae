package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.job.PassResources;
import com.clinic.tokenworker.job.TaskletSteps;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The {@code revokeTokens} step of {@code tokenMaintenanceJob}. */
@Configuration(proxyBeanMethods = false)
public class RevocationStepConfiguration {

    public static final String REVOKE_STEP = "revokeTokens";

    @Bean
    RevokeTokensTasklet revokeTokensTasklet(RevocationRepository revocations, TokenRevoker revoker,
                                            RevocationRecorder recorder, PassResources passResources) {
        return new RevokeTokensTasklet(revocations, revoker, recorder, passResources);
    }

    @Bean
    Step revokeTokens(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                      RevokeTokensTasklet tasklet) {
        return TaskletSteps.step(REVOKE_STEP, jobRepository, transactionManager, tasklet);
    }
}
