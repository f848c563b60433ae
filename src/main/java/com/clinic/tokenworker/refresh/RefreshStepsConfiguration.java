package com.clinic.tokenworker.refresh;

import com.clinic.tokenworker.job.PassResources;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import java.time.Clock;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
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
        return new StepBuilder(FLAG_STEP, jobRepository)
                .tasklet(tasklet, transactionManager)
                .listener(tasklet)
                .build();
    }

    @Bean
    RefreshTokensTasklet refreshTokensTasklet(DueTokenRepository tokens, TokenRefresher refresher,
                                              RefreshOutcomeRecorder recorder, PassResources passResources) {
        return new RefreshTokensTasklet(tokens, refresher, recorder, passResources);
    }

    @Bean
    Step refreshTokens(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                       RefreshTokensTasklet tasklet) {
        return new StepBuilder(REFRESH_STEP, jobRepository)
                .tasklet(tasklet, transactionManager)
                .listener(tasklet)
                .build();
    }
}
