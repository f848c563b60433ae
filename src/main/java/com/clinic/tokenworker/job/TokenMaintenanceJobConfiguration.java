package com.clinic.tokenworker.job;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.engine.RetryTimer;
import com.clinic.tokenworker.engine.ScheduledRetryTimer;
import com.clinic.tokenworker.engine.WorkLoopTasklet;
import com.clinic.tokenworker.engine.WorkResources;
import com.clinic.tokenworker.exchange.ClaimedCode;
import com.clinic.tokenworker.exchange.ExchangeOutcome;
import com.clinic.tokenworker.exchange.ExchangeRules;
import com.clinic.tokenworker.exchange.ExchangeTally;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code tokenMaintenanceJob}: exchange pending codes first (their deadline is hard), then look after tokens. */
@Configuration(proxyBeanMethods = false)
public class TokenMaintenanceJobConfiguration {

    public static final String JOB_NAME = "tokenMaintenanceJob";
    public static final String EXCHANGE_STEP = "exchangeCodes";

    @Bean
    WorkResources workResources(RequestBudget budget, ThrottleGate throttle, ExecutorService fullscriptCalls,
                                TransactionTemplate ownTransaction, TokenWorkerProperties properties,
                                WorkerIdentity worker, Clock clock, ApplicationEventPublisher events,
                                RetryTimer retryTimer) {
        return new WorkResources(budget, throttle, fullscriptCalls, ownTransaction, properties, worker, clock, events,
                retryTimer);
    }

    @Bean
    RetryTimer retryTimer() {
        return new ScheduledRetryTimer();
    }

    @Bean
    WorkLoopTasklet<ClaimedCode, ExchangeOutcome, ExchangeTally> exchangeCodesTasklet(ExchangeRules rules, WorkResources resources) {
        return new WorkLoopTasklet<>(rules, resources);
    }

    @Bean
    Step exchangeCodes(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                       WorkLoopTasklet<ClaimedCode, ExchangeOutcome, ExchangeTally> exchangeCodesTasklet) {
        return TaskletSteps.step(EXCHANGE_STEP, jobRepository, transactionManager, exchangeCodesTasklet);
    }

    /**
     * The later steps are defined in refresh.RefreshStepsConfiguration, revocation.RevocationStepConfiguration and
     * history.HistoryStepConfiguration (purgeHistory last: tidying never delays the work that has deadlines).
     */
    @Bean
    Job tokenMaintenanceJob(JobRepository jobRepository, ExecutionSummaryListener summary, Step verifyCredentials,
                            Step exchangeCodes,
                            Step flagExpiringTokens, Step refreshTokens, Step revokeTokens, Step purgeHistory) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(summary)
                .start(verifyCredentials).next(exchangeCodes)
                .next(flagExpiringTokens)
                .next(refreshTokens)
                .next(revokeTokens)
                .next(purgeHistory)
                .build();
    }
}
