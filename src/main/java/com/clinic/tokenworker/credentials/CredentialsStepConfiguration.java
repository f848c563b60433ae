package com.clinic.tokenworker.credentials;

import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.budget.ThrottleGate;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.job.TaskletSteps;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The {@code verifyCredentials} step of {@code tokenMaintenanceJob}. */
@Configuration(proxyBeanMethods = false)
public class CredentialsStepConfiguration {

    public static final String VERIFY_STEP = "verifyCredentials";

    @Bean
    VerifyCredentialsTasklet verifyCredentialsTasklet(FullscriptClient client, CredentialCheckRepository checks,
                                                      EncryptionKeyRegistry keys, TokenCipher cipher,
                                                      RequestBudget budget, ThrottleGate throttle,
                                                      TransactionTemplate ownTransaction,
                                                      ApplicationEventPublisher events,
                                                      TokenWorkerProperties properties, WorkerIdentity worker,
                                                      Clock clock) {
        return new VerifyCredentialsTasklet(client, checks, keys, cipher, budget, throttle, ownTransaction, events,
                properties, worker, clock);
    }

    @Bean
    Step verifyCredentials(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                           VerifyCredentialsTasklet tasklet) {
        return TaskletSteps.step(VERIFY_STEP, jobRepository, transactionManager, tasklet);
    }
}
