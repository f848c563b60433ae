package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.engine.WorkLoopTasklet;
import com.clinic.tokenworker.engine.WorkResources;
import com.clinic.tokenworker.job.TaskletSteps;
import com.clinic.tokenworker.token.LeasedToken;
import java.time.Clock;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code flagExpiringTokens} and {@code refreshTokens} steps of {@code tokenMaintenanceJob}. */
@Configuration(proxyBeanMethods = false)
public class RefreshStepsConfiguration {

    public static final String FLAG_STEP = "flagExpiringTokens";
    public static final String REFRESH_STEP = "refreshTokens";

    @Bean
    FlagExpiringTokensTasklet flagExpiringTokensTasklet(ExpiringTokenFlagger flagger,
                                                        TransactionTemplate ownTransaction,
                                                        TokenWorkerProperties properties, Clock clock) {
        return new FlagExpiringTokensTasklet(flagger, ownTransaction, properties, clock);
    }

    @Bean
    Step flagExpiringTokens(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                            FlagExpiringTokensTasklet tasklet) {
        return TaskletSteps.step(FLAG_STEP, jobRepository, transactionManager, tasklet);
    }

    @Bean
    WorkLoopTasklet<LeasedToken, RefreshOutcome, RefreshTally> refreshTokensTasklet(RefreshRules rules, WorkResources resources) {
        return new WorkLoopTasklet<>(rules, resources);
    }

    @Bean
    Step refreshTokens(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                       WorkLoopTasklet<LeasedToken, RefreshOutcome, RefreshTally> refreshTokensTasklet) {
        return TaskletSteps.step(REFRESH_STEP, jobRepository, transactionManager, refreshTokensTasklet);
    }
}
