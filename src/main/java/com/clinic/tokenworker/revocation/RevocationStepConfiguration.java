package com.clinic.tokenworker.revocation;

import com.clinic.tokenworker.engine.WorkLoopTasklet;
import com.clinic.tokenworker.engine.WorkResources;
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
    WorkLoopTasklet<RevocationTarget, RevocationOutcome, RevocationTally> revokeTokensTasklet(RevocationRules rules,
                                                                       WorkResources resources) {
        return new WorkLoopTasklet<>(rules, resources);
    }

    @Bean
    Step revokeTokens(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                      WorkLoopTasklet<RevocationTarget, RevocationOutcome, RevocationTally> revokeTokensTasklet) {
        return TaskletSteps.step(REVOKE_STEP, jobRepository, transactionManager, revokeTokensTasklet);
    }
}
