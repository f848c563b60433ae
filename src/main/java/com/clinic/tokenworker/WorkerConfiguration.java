package com.clinic.tokenworker;

import com.clinic.tokenworker.budget.PostgresRequestBudget;
import com.clinic.tokenworker.budget.RequestBudget;
import com.clinic.tokenworker.config.TokenWorkerProperties;
import com.clinic.tokenworker.crypto.TokenCipher;
import com.clinic.tokenworker.fullscript.FullscriptClient;
import com.clinic.tokenworker.metrics.FullscriptCallObserver;
import com.clinic.tokenworker.schedule.WorkerIdentity;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker's own beans. {@link TokenWorkerProperties} and the {@link Clock} are registered by
 * {@link WorkerContext} before the context refreshes, so the configuration is validated before Spring starts.
 */
@Configuration(proxyBeanMethods = false)
public class WorkerConfiguration {

    /**
     * The observer (the Prometheus registry behind it) is looked up at the first call: a plain {@code run}, whose
     * beans are lazy, makes no registry (some 150 classes) when it has nothing to send.
     */
    @Bean
    FullscriptClient fullscriptClient(TokenWorkerProperties properties, Clock clock,
                                      ObjectProvider<FullscriptCallObserver> callObserver) {
        return new FullscriptClient(properties.requestTimeout(), clock,
                (kind, region, result, latency) -> callObserver.getObject().called(kind, region, result, latency));
    }

    @Bean
    TokenCipher tokenCipher(TokenWorkerProperties properties) {
        return new TokenCipher(properties.encryptionKey().orElseThrow(() -> new IllegalStateException(
                "TOKEN_ENCRYPTION_KEY is required; TokenWorkerProperties.requireTokenProcessing() checks it first")),
                properties.previousEncryptionKeys());
    }

    @Bean
    @ConditionalOnMissingBean
    RequestBudget requestBudget(DataSource dataSource, TokenWorkerProperties properties, Clock clock) {
        return new PostgresRequestBudget(dataSource, properties.requestsPer5Min(), clock);
    }

    @Bean
    WorkerIdentity workerIdentity() {
        return WorkerIdentity.forThisProcess();
    }

    /**
     * Every write of the worker commits on its own, right away, even when called from inside a Batch step's
     * transaction: a claim must be visible to other workers before the call it protects, an outcome durable as
     * soon as Fullscript answered.
     */
    @Bean
    TransactionTemplate ownTransaction(PlatformTransactionManager transactionManager) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        return template;
    }

    /**
     * Threads that make the calls to Fullscript and record their outcomes: twice TOKENWORKER_CONCURRENCY, since the
     * work loop lets a slot's next call start while the previous row is still being recorded on its thread. The
     * loop, not the pool, keeps the calls in flight at TOKENWORKER_CONCURRENCY.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService fullscriptCalls(TokenWorkerProperties properties) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "fullscript-call-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return Executors.newFixedThreadPool(2 * properties.concurrency(), threads);
    }
}
